package dev.actorkv.migrate;

/** Told about a migration's progress, after each batch is durably committed (for progress display). */
@FunctionalInterface
public interface MigrationListener {
  MigrationListener NONE = (actorId, batch, soFar) -> {};

  /**
   * Batch number {@code batch} (1-based, counted across resumed runs) of {@code actorId} is committed;
   * {@code soFar} are the migration's cumulative counts including it.
   */
  void onBatchCommitted(String actorId, long batch, MigrationCounts soFar);
}
