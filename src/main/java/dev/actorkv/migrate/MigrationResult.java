package dev.actorkv.migrate;

/**
 * The outcome of {@link Migrator#migrate} for one actor. {@code batches} and {@code counts} are those of
 * the whole migration, including batches committed by an earlier run that was interrupted
 * ({@code resumed}); both are zero when the actor was already in layout v1 and nothing was written.
 */
public record MigrationResult(String actorId, boolean alreadyV1, boolean resumed, long batches, MigrationCounts counts) {}
