package dev.actorkv.store;

/**
 * Hook called before each physical operation, so tests and operators can make the storage layer fail
 * at chosen points (a full disk, an I/O error). Throwing from a hook fails that operation before it
 * touches RocksDB. The default does nothing.
 */
public interface FaultInjector {
  FaultInjector NONE = new FaultInjector() {};

  /** Before an atomic batch of {@code operations} entries is written for {@code actorId}. */
  default void beforeWrite(String actorId, int operations) {}

  /** Before a point or range read of {@code actorId}'s keys. */
  default void beforeRead(String actorId) {}

  /** Before the write-ahead log is synced. */
  default void beforeSync() {}
}
