package dev.actorkv.sqlite;

/** What tests in other packages need to see of this package's internals. */
public final class SqliteInternals {
  private SqliteInternals() {}

  /** The name under which {@code db}'s VFS is registered: what another connection would name to reach it. */
  public static String vfsName(SqliteDatabase db) {
    return db.vfsName();
  }
}
