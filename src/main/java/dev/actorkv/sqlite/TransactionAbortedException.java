package dev.actorkv.sqlite;

/** A transaction body threw a checked exception (the cause); the transaction was rolled back. */
public final class TransactionAbortedException extends SqliteException {
  /** SQLite's SQLITE_ABORT: the transaction was rolled back. */
  private static final int SQLITE_ABORT = 4;

  public TransactionAbortedException(Throwable cause) {
    super(SQLITE_ABORT, "transaction rolled back: " + cause.getMessage(), cause);
  }
}
