package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.sqlite.FileMetaValues;
import dev.actorkv.sqlite.PageFormatException;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteInspectorTest {
  private final SqliteInspector inspector = new SqliteInspector();

  @TempDir
  Path dir;

  @Test
  void isRegistered() {
    assertTrue(Inspectors.all().stream().anyMatch(i -> i instanceof SqliteInspector && i.namespace() == Namespace.SQLITE));
  }

  private static List<String> problems(SqliteInspector inspector, ActorKeyspace actor) {
    CheckReport report = new CheckReport();
    inspector.audit().problems(actor).forEach(p -> report.problem(actor.actorId(), p));
    return report.problems();
  }

  @Test
  void demoWritesAConsistentDatabaseWhoseValuesDecode() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("demo");
      inspector.writeDemo(actor);
      inspector.writeDemo(actor); // idempotent
      assertEquals(List.of(), problems(inspector, actor));
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        assertEquals(3, db.query("SELECT count(*) FROM users").single().getLong(0));
      }
      List<KeyValue> keys = actor.scan(SqliteKeys.all(), 100);
      KeyValue meta = keys.getFirst();
      assertEquals(Map.of("version", 1, "size", FileMetaValues.size(meta.value())),
          inspector.audit().describeValue(KeyDescriber.describe(meta.key()), meta.value()));
      KeyValue chunk0 = actor.first(SqliteKeys.chunks(SqliteFile.MAIN), false);
      @SuppressWarnings("unchecked")
      Map<String, Object> decoded = (Map<String, Object>) inspector.audit().describeValue(KeyDescriber.describe(chunk0.key()), chunk0.value());
      assertEquals(4096, decoded.get("length"));
      assertEquals("53514c69746520666f726d6174203300", decoded.get("head"));
      @SuppressWarnings("unchecked")
      Map<String, Object> header = (Map<String, Object>) decoded.get("sqlite_header");
      assertEquals(4096, header.get("page_size"));
      assertEquals("UTF-8", header.get("text_encoding"));
      assertTrue(Json.write(decoded).startsWith("{\"length\":4096,\"head\":\"5351"));
      assertThrows(PageFormatException.class, () -> inspector.audit().describeValue(KeyDescriber.describe(meta.key()), new byte[3]));
    }
  }

  @Test
  void checkNamesEachBrokenInvariant() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("x");
      inspector.writeDemo(actor);
      byte[] metaKey = SqliteKeys.fileMeta(SqliteFile.MAIN);
      byte[] meta = actor.get(metaKey);
      long size = FileMetaValues.size(meta);

      actor.put(metaKey, FileMetaValues.encode(size + 4096));
      assertEquals(List.of("actor \"x\": SQLite main file: size record says " + (size + 4096) + " bytes but the chunks end at " + size),
          problems(inspector, actor));

      actor.put(metaKey, new byte[] {1, 0});
      assertTrue(problems(inspector, actor).getFirst().contains("size record does not decode"), problems(inspector, actor).toString());

      actor.delete(metaKey);
      assertTrue(problems(inspector, actor).getFirst().contains("no size record"));
      actor.put(metaKey, meta);

      byte[] chunk1 = SqliteKeys.chunk(SqliteFile.MAIN, 1);
      byte[] saved = actor.get(chunk1);
      actor.put(chunk1, Arrays.copyOf(saved, 100));
      List<String> p = problems(inspector, actor);
      assertTrue(p.stream().anyMatch(s -> s.contains("chunk 1 has 100 bytes but is not the last chunk")), p.toString());
      actor.put(chunk1, saved);

      byte[] chunk0 = SqliteKeys.chunk(SqliteFile.MAIN, 0);
      byte[] header = actor.get(chunk0);
      byte[] broken = header.clone();
      broken[0] = 'X';
      actor.put(chunk0, broken);
      assertTrue(problems(inspector, actor).getFirst().contains("does not start with the SQLite header"));
      actor.put(chunk0, header);

      // A page of table data zeroed out: the layout is fine, SQLite's integrity_check is not.
      byte[] last = SqliteKeys.chunk(SqliteFile.MAIN, size / 4096 - 1);
      byte[] lastPage = actor.get(last);
      actor.put(last, new byte[lastPage.length]);
      p = problems(inspector, actor);
      assertTrue(!p.isEmpty() && p.stream().allMatch(s -> s.contains("SQLite")), p.toString());
      actor.put(last, lastPage);

      actor.put(SqliteKeys.chunk(SqliteFile.WAL, 3), new byte[10]);
      p = problems(inspector, actor);
      assertTrue(p.getFirst().contains("SQLite wal file: 1 chunks but no size record"), p.toString());
      actor.delete(SqliteKeys.chunk(SqliteFile.WAL, 3));
      assertEquals(List.of(), problems(inspector, actor));
    }
  }

  @Test
  void sqlCommandPrintsRowsInListMode() {
    Path db = dir.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      store.actor("a");
    }
    CliRun create = CliRun.sql("", "sql", db.toString(), "--actor", "a",
        "CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2.5, NULL), (NULL, 'y|z');");
    assertEquals(0, create.exit(), create.err());
    assertEquals("", create.out());
    CliRun select = CliRun.sql("", "sql", db.toString(), "--actor", "a", "SELECT a, b FROM t ORDER BY rowid");
    assertEquals(List.of("1|x", "2.5|", "|y|z"), select.lines());
    CliRun stdin = CliRun.sql("SELECT count(*) FROM t;\nSELECT 'a', 3 * 4;\n", "sql", db.toString(), "--actor", "a");
    assertEquals(List.of("3", "a|12"), stdin.lines());
    CliRun other = CliRun.sql("", "sql", db.toString(), "--actor", "b", "SELECT count(*) FROM sqlite_master");
    assertEquals(List.of("0"), other.lines());

    // As sqlite3 with SQL as an argument: the statements before the error ran, exit 1.
    CliRun bad = CliRun.sql("", "sql", db.toString(), "--actor", "a", "SELECT 1; SELEC 2");
    assertEquals(1, bad.exit(), "a failed statement exits 1, as in sqlite3");
    assertEquals(List.of("1"), bad.lines());
    assertTrue(bad.err().startsWith("Error: in prepare, near \"SELEC\": syntax error"), bad.err());

    // sql writes, so it creates the store when the directory is absent.
    CliRun missing = CliRun.sql("", "sql", dir.resolve("nope").toString(), "--actor", "a", "SELECT 1");
    assertEquals(0, missing.exit(), "sql creates a store where there is none: " + missing.err());
    assertEquals(List.of("1"), missing.lines());
  }

  @Test
  void sqlCommandRefusesANulInTheScriptBeforeRunningAnything() {
    Path db = dir.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      store.actor("a");
    }
    // SQLite reads SQL up to the first NUL: the second statement would vanish without a word.
    CliRun nul = CliRun.withStdin("CREATE TABLE t (x);\u0000CREATE TABLE u (y);\n", "sql", db.toString(), "--actor", "a");
    assertEquals(2, nul.exit(), nul.err());
    assertTrue(nul.err().startsWith("keyspace: the SQL contains a NUL character"), nul.err());
    CliRun tables = CliRun.run("sql", db.toString(), "--actor", "a", "SELECT count(*) FROM sqlite_master");
    assertEquals(List.of("0"), tables.lines());
  }
}
