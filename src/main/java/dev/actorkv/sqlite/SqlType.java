package dev.actorkv.sqlite;

/** SQLite's storage classes: the type of one value in a result row. */
public enum SqlType {
  INTEGER,
  FLOAT,
  TEXT,
  BLOB,
  NULL;

  static SqlType of(int code) {
    return switch (code) {
      case SqliteCodes.INTEGER -> INTEGER;
      case SqliteCodes.FLOAT -> FLOAT;
      case SqliteCodes.TEXT -> TEXT;
      case SqliteCodes.BLOB -> BLOB;
      case SqliteCodes.NULL -> NULL;
      default -> throw new IllegalStateException("unknown SQLite column type " + code);
    };
  }

  /** The type of a Java value as this package stores it (Long, Double, String, byte[] or null). */
  static SqlType ofValue(Object v) {
    return switch (v) {
      case null -> NULL;
      case Long l -> INTEGER;
      case Double d -> FLOAT;
      case String s -> TEXT;
      case byte[] b -> BLOB;
      default -> throw new IllegalStateException("not a SQLite value: " + v.getClass().getName());
    };
  }
}
