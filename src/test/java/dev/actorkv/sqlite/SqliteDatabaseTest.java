package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.actorkv.testing.StoreFixture;

class SqliteDatabaseTest {
  StoreFixture fixture;

  /** The engine under test; {@link PostgresSqliteDatabaseTest} runs the same tests on PostgreSQL. */
  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @org.junit.jupiter.api.BeforeEach
  void openFixture() {
    fixture = newFixture();
  }

  @org.junit.jupiter.api.AfterEach
  void closeFixture() {
    fixture.close();
  }

  @Test
  void roundTripsEveryTypeThroughReopen() {
    byte[] blob = {0, 1, 2, (byte) 0xff};
    try (ActorStore store = fixture.open()) {
      try (SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
        db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n)");
        assertEquals(1, db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", Long.MAX_VALUE, 1.5, "héllo\u0000x", blob, null));
        db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", 7, 2.5f, "", new byte[0], null);
      }
      try (SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
        QueryResult r = db.query("SELECT i, r, s, b, n FROM t ORDER BY i DESC");
        assertEquals(List.of("i", "r", "s", "b", "n"), r.columns());
        Row first = r.row(0);
        assertEquals(Long.MAX_VALUE, first.getLong("i"));
        assertEquals(1.5, first.getDouble(1));
        assertEquals("héllo\u0000x", first.getString(2));
        assertArrayEquals(blob, first.getBytes(3));
        assertTrue(first.isNull(4));
        assertEquals(SqlType.NULL, first.type(4));
        Row second = r.row(1);
        assertEquals(7, second.getLong(0));
        assertEquals("", second.getString("s"));
        assertArrayEquals(new byte[0], second.getBytes("b"));
        assertThrows(IllegalStateException.class, () -> second.getString(0));
        assertEquals(List.of("ok"), db.integrityCheck());
      }
    }
  }

  /** The linking a tool starts on a second thread may still run while the database opens and is used. */
  @Test
  void opensAndRunsWhileNativeCallsAreLinkedOnOtherThreads() throws InterruptedException {
    List<Thread> linking = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 2; i++) {
      linking.add(Thread.ofPlatform().start(() -> {
        try {
          SqliteDatabase.linkNativeCalls();
        } catch (Throwable t) {
          failures.add(t);
        }
      }));
    }
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE t (x INTEGER)");
      assertEquals(1, db.execute("INSERT INTO t VALUES (?)", 42));
      assertEquals(42, db.query("SELECT x FROM t").row(0).getLong(0));
    }
    for (Thread t : linking) {
      t.join();
    }
    assertEquals(List.of(), failures);
    SqliteDatabase.linkNativeCalls(); // again, after the first database: nothing left to do, no failure
  }

  @Test
  void executesAndQueriesWithTheStatementCacheOff() {
    SqliteOptions uncached = SqliteOptions.defaults().withStatementCacheSize(0);
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"), uncached)) {
      db.execute("CREATE TABLE t (x INTEGER)");
      assertEquals(1, db.execute("INSERT INTO t VALUES (?)", 1));
      assertEquals(1, db.execute("INSERT INTO t VALUES (?)", 2));
      assertEquals(2, db.execute("UPDATE t SET x = x * ?", 10));
      QueryResult r = db.query("SELECT x FROM t WHERE x > ? ORDER BY x", 0);
      assertEquals(2, r.size());
      assertEquals(10, r.row(0).getLong(0));
      assertEquals(20, r.row(1).getLong(0));
      assertThrows(RuntimeException.class, () -> db.query("SELECT nope FROM t"));
      assertEquals(1, db.query("SELECT count(*) FROM t WHERE x = ?", 20).row(0).getLong(0));
    }
  }

  @Test
  void transactionsCommitAndRollBack() {
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY)");
      db.begin();
      db.execute("INSERT INTO t VALUES (1)");
      assertTrue(db.inTransaction());
      db.rollback();
      assertFalse(db.inTransaction());
      assertEquals(0, db.query("SELECT count(*) FROM t").single().getLong(0));
      long n = db.inTransaction(tx -> tx.execute("INSERT INTO t VALUES (1), (2)"));
      assertEquals(2, n);
      RuntimeException boom = new RuntimeException("boom");
      assertEquals(boom, assertThrows(RuntimeException.class, () -> db.inTransaction(tx -> {
        tx.execute("INSERT INTO t VALUES (3)");
        throw boom;
      })));
      assertThrows(TransactionAbortedException.class, () -> db.inTransaction(tx -> {
        tx.execute("INSERT INTO t VALUES (4)");
        throw new Exception("checked");
      }));
      assertEquals(List.of(1L, 2L), ints(db.query("SELECT x FROM t ORDER BY x")));

      // Nested: the inner failure undoes only the inner part.
      db.inTransaction(outer -> {
        outer.execute("INSERT INTO t VALUES (10)");
        assertThrows(RuntimeException.class, () -> outer.inTransaction(inner -> {
          inner.execute("INSERT INTO t VALUES (11)");
          throw new RuntimeException("inner");
        }));
        outer.inTransaction(inner -> inner.execute("INSERT INTO t VALUES (12)"));
        return null;
      });
      assertFalse(db.inTransaction());
      assertEquals(List.of(1L, 2L, 10L, 12L), ints(db.query("SELECT x FROM t ORDER BY x")));
    }
  }

  @Test
  void statementsCloseQuietlyAfterTheDatabase() {
    try (ActorStore store = fixture.open()) {
      SqliteDatabase db = SqliteDatabase.open(store.actor("a"));
      Statement s = db.prepare("SELECT 1");
      assertEquals(1, s.query().single().getLong(0));
      db.close();
      s.close();
      assertThrows(IllegalStateException.class, () -> s.query());
      assertThrows(IllegalStateException.class, () -> db.query("SELECT 1"));
    }
  }

  @Test
  void preparedStatementsAreReusable() {
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER)");
      try (Statement ins = db.prepare("INSERT INTO kv VALUES (?, ?)"); Statement get = db.prepare("SELECT v FROM kv WHERE k = ?")) {
        assertEquals(2, ins.parameterCount());
        for (int i = 0; i < 100; i++) {
          ins.execute("k" + i, i);
        }
        assertEquals(42, get.query("k42").single().getLong(0));
        assertTrue(get.query("nope").isEmpty());
        assertThrows(IllegalArgumentException.class, () -> get.query());
        assertThrows(IllegalArgumentException.class, () -> ins.execute("k", new Object()));
        SqliteException dup = assertThrows(SqliteException.class, () -> ins.execute("k1", 1));
        assertEquals(19, dup.primaryResultCode()); // SQLITE_CONSTRAINT
        assertEquals(2, ins.execute("k1b", 1) + ins.execute("k1c", 1)); // still usable after an error
      }
      assertEquals(102, db.query("SELECT count(*) FROM kv").single().getLong(0));
    }
  }

  /**
   * A reused statement binds every parameter of every run afresh: a value of an earlier run (a large
   * blob bound straight from its Java array, say) never leaks into a later one, whatever the types.
   */
  @Test
  void everyRunOfAStatementBindsOnlyItsOwnValues() {
    byte[] big = new byte[300_000];
    new java.util.Random(7).nextBytes(big);
    Object[][] runs = {
        {1, big, "ünïcödé ☃"},
        {2, null, null},
        {3, new byte[0], ""},
        {4, (short) 9, 2.5f},
        {5, "text", (byte) -1},
        {6, big.clone(), null},
    };
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, a, b)");
      try (Statement ins = db.prepare("INSERT INTO t VALUES (?, ?, ?)"); Statement get = db.prepare("SELECT a, b FROM t WHERE id = ?")) {
        for (Object[] run : runs) {
          ins.execute(run);
        }
        for (Object[] run : runs) {
          Row row = get.query(run[0]).single();
          for (int c = 0; c < 2; c++) {
            Object expected = Statement.normalize(run[c + 1], c + 2);
            if (expected instanceof byte[] bytes) {
              assertArrayEquals(bytes, row.getBytes(c), "row " + run[0] + " column " + c);
            } else {
              assertEquals(expected, row.get(c), "row " + run[0] + " column " + c);
            }
          }
        }
      }
    }
  }

  @Test
  void errorsAreTypedAndWriteNothing() {
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      SqliteException syntax = assertThrows(SqliteException.class, () -> db.execute("SELEC 1"));
      assertEquals(1, syntax.resultCode());
      assertThrows(IllegalArgumentException.class, () -> db.execute("SELECT 1; SELECT 2"));
      SqliteException wal = assertThrows(SqliteException.class, () -> db.execute("PRAGMA journal_mode=WAL"));
      assertTrue(wal.getMessage().contains("journal_mode=wal is not supported"), wal.getMessage());
      assertThrows(SqliteException.class, () -> db.execute("ATTACH 'other.db' AS o"));
      assertEquals(0, store.actor("a").scan(SqliteKeys.all(), 10).size());
    }
  }

  @Test
  void oneHandlePerActor() {
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      assertThrows(IllegalStateException.class, () -> SqliteDatabase.open(store.actor("a")));
      try (SqliteDatabase other = SqliteDatabase.open(store.actor("b"))) {
        other.execute("CREATE TABLE b (x)");
        db.execute("CREATE TABLE a (x)");
        assertEquals(List.of("a"), texts(db.query("SELECT name FROM sqlite_master")));
        assertEquals(List.of("b"), texts(other.query("SELECT name FROM sqlite_master")));
      }
    }
  }

  @Test
  void scriptPrintsRowsAsText() {
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      List<List<String>> rows = new ArrayList<>();
      db.executeScript("CREATE TABLE t (a, b); INSERT INTO t VALUES (1, 'x'), (2.5, NULL); -- comment\n"
          + "SELECT a, b FROM t ORDER BY a; SELECT 1e20;", rows::add);
      assertEquals(List.of(List.of("1", "x"), Arrays.asList("2.5", null), List.of("1.0e+20")), rows);
    }
  }

  @Test
  void commitIsOneBatchAndStoresTheFileLayout() {
    try (ActorStore store = fixture.open(); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE t (x)");
      ActorKeyspace actor = store.actor("a");
      long size = FileMeta.decode(actor.get(SqliteKeys.fileMeta(SqliteFile.MAIN))).size();
      assertEquals(2 * 4096, size); // schema page + table root page
      assertEquals(size, PageStore.scanSize(actor, SqliteFile.MAIN));
      assertNull(actor.get(SqliteKeys.fileMeta(SqliteFile.JOURNAL)));
      byte[] header = actor.get(SqliteKeys.chunk(SqliteFile.MAIN, 0));
      assertEquals("SQLite format 3\u0000", new String(header, 0, 16, java.nio.charset.StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void openRebuildsAndStoresAMissingOrCorruptSizeRecord() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        db.execute("CREATE TABLE t (x)");
        db.execute("INSERT INTO t VALUES (1), (2)");
      }
      byte[] metaKey = SqliteKeys.fileMeta(SqliteFile.MAIN);
      byte[] meta = actor.get(metaKey);
      for (byte[] broken : new byte[][] {null, {1, 0, 0}}) {
        if (broken == null) {
          actor.delete(metaKey);
        } else {
          actor.put(metaKey, broken);
        }
        try (SqliteDatabase db = SqliteDatabase.open(actor)) {
          assertArrayEquals(meta, actor.get(metaKey));
          assertEquals(List.of(1L, 2L), ints(db.query("SELECT x FROM t ORDER BY x")));
        }
      }
    }
  }

  @Test
  void refusesAnActorWithLegacySqliteData() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("old");
      actor.put(dev.actorkv.migrate.LegacyKeys.sqliteFileMeta(SqliteFile.MAIN), new FileMeta(0).encode());
      assertTrue(SqliteKeys.legacyAll().contains(dev.actorkv.migrate.LegacyKeys.sqliteChunk(SqliteFile.WAL, 7)));
      assertFalse(SqliteKeys.legacyAll().contains(SqliteKeys.fileMeta(SqliteFile.MAIN)));
      assertThrows(dev.actorkv.migrate.LegacyLayoutException.class, () -> SqliteDatabase.open(actor));
      assertEquals(List.of(), actor.scan(SqliteKeys.all(), 10));
    }
  }

  static List<Long> ints(QueryResult r) {
    List<Long> out = new ArrayList<>();
    for (Row row : r.rows()) {
      out.add(row.getLong(0));
    }
    return out;
  }

  static List<String> texts(QueryResult r) {
    List<String> out = new ArrayList<>();
    for (Row row : r.rows()) {
      out.add(row.getString(0));
    }
    return out;
  }
}
