package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.sqlite.FileMeta;
import dev.actorkv.sqlite.SqliteAudit;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteHeader;
import dev.actorkv.store.ActorKeyspace;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The SQLite namespace for the tool: size records and chunks decoded (chunk 0 of the main file shows the
 * SQLite header), the page-store invariants plus {@code PRAGMA integrity_check}, and a demo database.
 */
final class SqliteInspector implements NamespaceInspector {
  /** How many leading bytes of a chunk {@code dump --values} shows. */
  private static final int HEAD_BYTES = 16;

  @Override
  public Namespace namespace() {
    return Namespace.SQLITE;
  }

  @Override
  public Object decodeValue(KeyDescription key, byte[] value) {
    return switch (key) {
      case KeyDescription.SqliteFileMeta k -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", FileMeta.VERSION);
        out.put("size", FileMeta.decode(value).size());
        yield out;
      }
      case KeyDescription.SqliteChunk k -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("length", value.length);
        out.put("head", Hex.encode(Arrays.copyOf(value, Math.min(HEAD_BYTES, value.length))));
        if (k.file() == SqliteFile.MAIN && k.chunkIndex() == 0) {
          Map<String, Object> header = SqliteHeader.describe(value);
          if (header != null) {
            out.put("sqlite_header", header);
          }
        }
        yield out;
      }
      default -> throw new IllegalArgumentException("not a SQLite key: " + key);
    };
  }

  @Override
  public void check(ActorKeyspace actor, CheckReport report) {
    for (String problem : SqliteAudit.integrityCheck(actor).problems()) {
      report.problem(actor.actorId(), problem);
    }
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
