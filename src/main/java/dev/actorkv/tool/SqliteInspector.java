package dev.actorkv.tool;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import dev.actorkv.sqlite.SqliteNamespaceAudit;

/** The SQLite namespace for the tool: the page store's own audit, and a demo database. */
final class SqliteInspector implements NamespaceInspector {
  @Override
  public NamespaceAudit audit() {
    return new SqliteNamespaceAudit();
  }

  @Override
  public void writeDemo(ActorKeyspace actor) {
    try (SqliteDatabase db = SqliteDatabase.open(actor)) {
      db.execute("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE, balance REAL)");
      db.execute("CREATE INDEX IF NOT EXISTS users_name ON users(name)");
      db.inTransaction(tx -> {
        tx.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", 1, "alice", "alice@example.com", 42.5);
        tx.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", 2, "bob", "bob@example.com", 0.0);
        tx.execute("INSERT OR REPLACE INTO users VALUES (?, ?, ?, ?)", 3, "carol", null, -7.25);
        return null;
      });
    }
  }
}
