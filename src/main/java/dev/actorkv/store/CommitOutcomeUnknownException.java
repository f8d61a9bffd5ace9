package dev.actorkv.store;

/**
 * The connection to the database was lost while a commit was in flight, and the database could not be
 * reached again to learn whether the commit landed. The commit is either wholly applied or not at all;
 * reopen the actor once the database is back to see which. Never raised by the embedded engine.
 */
public final class CommitOutcomeUnknownException extends StoreException {
  public CommitOutcomeUnknownException(String message, Throwable cause) {
    super(message, cause);
  }
}
