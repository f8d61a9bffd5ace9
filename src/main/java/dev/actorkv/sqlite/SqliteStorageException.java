package dev.actorkv.sqlite;

/**
 * The page store under SQLite failed (the cause is the storage error, usually a
 * {@link dev.actorkv.store.StoreException}); SQLite saw an SQLITE_IOERR code and rolled the transaction
 * back. Nothing of the failed write reached the store, and the database still holds the last committed
 * transaction.
 */
public final class SqliteStorageException extends SqliteException {
  public SqliteStorageException(int resultCode, String message, Throwable cause) {
    super(resultCode, message, cause);
  }
}
