package dev.actorkv.sqlite;

import dev.actorkv.ActorKvException;

/**
 * An SQLite call failed: SQL error, constraint violation, misuse. {@link #resultCode()} is SQLite's
 * extended result code (for example 19 = SQLITE_CONSTRAINT, 2067 = SQLITE_CONSTRAINT_UNIQUE).
 */
public class SqliteException extends ActorKvException {
  private final int resultCode;

  public SqliteException(int resultCode, String message) {
    super(message);
    this.resultCode = resultCode;
  }

  public SqliteException(int resultCode, String message, Throwable cause) {
    super(message, cause);
    this.resultCode = resultCode;
  }

  /** SQLite's extended result code. */
  public int resultCode() {
    return resultCode;
  }

  /** The primary result code (low byte of the extended code). */
  public int primaryResultCode() {
    return resultCode & 0xff;
  }
}
