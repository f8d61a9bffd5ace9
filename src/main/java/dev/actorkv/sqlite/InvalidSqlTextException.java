package dev.actorkv.sqlite;

/**
 * SQL text that cannot be handed to SQLite as it is (it holds a NUL character, after which SQLite would
 * silently read nothing). Thrown before any statement of the text runs; the caller's input is at fault.
 */
public final class InvalidSqlTextException extends SqliteException {
  /** SQLite's SQLITE_MISUSE: the text was never given to SQLite. */
  private static final int MISUSE = 21;

  InvalidSqlTextException(String message) {
    super(MISUSE, message);
  }
}
