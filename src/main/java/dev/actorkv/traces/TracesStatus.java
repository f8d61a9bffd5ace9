package dev.actorkv.traces;

/**
 * A point-in-time view of an {@link ActorTraces} manager's write path.
 *
 * @param chunksWritten chunks committed since open
 * @param bytesWritten encoded bytes of those chunks
 * @param pendingChunks chunks sealed and waiting to be written (retried after a failure)
 * @param bufferedBytes encoded bytes held in memory: pending chunks plus the chunks being filled
 * @param openSpans spans started and not yet ended
 * @param failedFlushes flushes that failed since open
 * @param lastError the error of the most recent failed flush, or null when the latest flush succeeded
 */
public record TracesStatus(
    long chunksWritten,
    long bytesWritten,
    int pendingChunks,
    long bufferedBytes,
    int openSpans,
    long failedFlushes,
    RuntimeException lastError) {}
