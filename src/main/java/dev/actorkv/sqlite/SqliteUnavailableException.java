package dev.actorkv.sqlite;

/** The system SQLite library could not be loaded; the message names the package to install. */
public final class SqliteUnavailableException extends SqliteException {
  public SqliteUnavailableException(String message) {
    super(SqliteCodes.CANTOPEN, message);
  }

  SqliteUnavailableException(String message, Throwable cause) {
    super(SqliteCodes.CANTOPEN, message, cause);
  }
}
