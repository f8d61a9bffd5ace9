package dev.actorkv.migrate;

import java.util.Objects;

/**
 * How {@link Migrator} runs: at most {@code batchSize} legacy keys per atomic batch, what to do on a
 * conflict, and who hears about progress. Immutable; the {@code with...} methods return copies.
 */
public record MigrationOptions(int batchSize, ConflictPolicy conflictPolicy, MigrationListener listener) {
  public static final int DEFAULT_BATCH_SIZE = 1000;
  /** Upper bound on the batch size, so one batch (values up to 128 KiB each) stays a bounded write. */
  public static final int MAX_BATCH_SIZE = 100_000;

  public MigrationOptions {
    if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
      throw new IllegalArgumentException("batch size must be in [1, " + MAX_BATCH_SIZE + "], got " + batchSize);
    }
    Objects.requireNonNull(conflictPolicy, "conflictPolicy");
    Objects.requireNonNull(listener, "listener");
  }

  public static MigrationOptions defaults() {
    return new MigrationOptions(DEFAULT_BATCH_SIZE, ConflictPolicy.FAIL, MigrationListener.NONE);
  }

  public MigrationOptions withBatchSize(int v) {
    return new MigrationOptions(v, conflictPolicy, listener);
  }

  public MigrationOptions withConflictPolicy(ConflictPolicy v) {
    return new MigrationOptions(batchSize, v, listener);
  }

  public MigrationOptions withListener(MigrationListener v) {
    return new MigrationOptions(batchSize, conflictPolicy, v);
  }
}
