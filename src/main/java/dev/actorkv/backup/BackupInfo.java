package dev.actorkv.backup;

import java.time.Instant;

/**
 * One backup in a backup folder.
 *
 * @param number the backup's number in its folder, 1 for the first, one more for each later one
 * @param time when the backup's snapshot was taken (UTC)
 * @param engine the engine of the store it was taken from ({@code rocksdb} or {@code postgresql})
 * @param actors actors in the backup
 * @param keys keys over all its actors
 * @param bytes logical key + value bytes over all its actors
 * @param newBytes bytes of actor files this backup added to the folder (0 when no actor changed since
 *     an earlier backup in the same folder): what makes a backup incremental
 */
public record BackupInfo(long number, Instant time, String engine, long actors, long keys, long bytes, long newBytes) {}
