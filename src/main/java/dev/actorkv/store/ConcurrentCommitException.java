package dev.actorkv.store;

/**
 * A commit was refused because the actor was written by another store (another process or machine)
 * since this store loaded it; nothing of the commit was written. The store has reloaded the actor's
 * record; state a manager keeps in memory about the actor may be stale. Only engines shared between
 * processes (PostgreSQL) can raise it.
 */
public final class ConcurrentCommitException extends StoreException {
  public ConcurrentCommitException(String message) {
    super(message);
  }
}
