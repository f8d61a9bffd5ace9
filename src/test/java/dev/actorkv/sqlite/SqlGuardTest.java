package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defences of an actor's connection one by one, below the SQL the hostile-SQL campaign
 * ({@code dev.actorkv.reliability.HostileSqlTest}) sends: the VFS on its own refuses a second pager and
 * URI names, the authorizer names what it refused, and scripts are read whole (no NUL cuts them short).
 */
class SqlGuardTest {
  @TempDir Path dir;

  /** sqlite3_open_v2 through {@code vfsName}; returns the result code, closing any handle it got. */
  private static int rawOpen(String filename, int extraFlags, String vfsName) throws Throwable {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      int flags = SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE | extraFlags;
      int rc = (int) Sqlite3.open_v2.invokeExact(a.allocateFrom(filename), out, flags, a.allocateFrom(vfsName));
      MemorySegment handle = out.get(ADDRESS, 0);
      if (rc == SqliteCodes.OK) {
        // Reading the schema makes SQLite really open the file (open_v2 alone may defer it).
        MemorySegment stmt = a.allocate(ADDRESS);
        rc = (int) Sqlite3.prepare_v2.invokeExact(handle, a.allocateFrom("SELECT count(*) FROM sqlite_master"), -1, stmt, MemorySegment.NULL);
        MemorySegment s = stmt.get(ADDRESS, 0);
        if (!s.equals(MemorySegment.NULL)) {
          int ignored = (int) Sqlite3.finalize_.invokeExact(s);
        }
      }
      if (!handle.equals(MemorySegment.NULL)) {
        int ignored = (int) Sqlite3.close_v2.invokeExact(handle);
      }
      return rc;
    }
  }

  @Test
  void anotherConnectionCannotOpenTheActorsDatabaseThroughItsVfs() throws Throwable {
    try (ActorStore store = ActorStore.open(dir); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE t (x)");
      db.execute("INSERT INTO t VALUES (1)");
      String vfs = db.vfsName();
      // A second pager on the same pages, without locking between the two, would corrupt them.
      assertEquals(SqliteCodes.CANTOPEN, rawOpen(KvVfs.DB_NAME, 0, vfs) & 0xff);
      assertEquals(SqliteCodes.CANTOPEN, rawOpen(KvVfs.DB_NAME + "-journal", 0, vfs) & 0xff);
      assertEquals(1, db.query("SELECT count(*) FROM t").single().getLong(0));
      assertEquals(List.of("ok"), db.integrityCheck());
    }
  }

  @Test
  void theVfsRefusesUriFileNames() throws Throwable {
    try (ActorStore store = ActorStore.open(dir); KvVfs vfs = new KvVfs(store.actor("b"))) {
      vfs.register();
      assertEquals(SqliteCodes.CANTOPEN, rawOpen("file:" + KvVfs.DB_NAME + "?mode=rwc", SqliteCodes.OPEN_URI, vfs.name()) & 0xff);
      assertEquals(SqliteCodes.OK, rawOpen(KvVfs.DB_NAME, 0, vfs.name()), "the same file without a URI opens");
    }
  }

  @Test
  void refusalsAreTypedAndNameTheirReason() {
    try (ActorStore store = ActorStore.open(dir); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      SqliteException attach = assertThrows(SqliteException.class, () -> db.executeScript("ATTACH 'x.db' AS x"));
      assertEquals(SqliteCodes.AUTH, attach.primaryResultCode());
      assertTrue(attach.getMessage().contains("ATTACH and VACUUM INTO are refused"), attach.getMessage());
      SqliteException pragma = assertThrows(SqliteException.class, () -> db.execute("PRAGMA trusted_schema=ON"));
      assertTrue(pragma.getMessage().contains("PRAGMA trusted_schema cannot be set"), pragma.getMessage());
      SqliteException tokenizer = assertThrows(SqliteException.class, () -> db.query("SELECT fts3_tokenizer('simple')"));
      assertTrue(tokenizer.getMessage().contains("fts3_tokenizer() is not available"), tokenizer.getMessage());
      // Nothing left over from a refusal reaches the next, unrelated error.
      SqliteException syntax = assertThrows(SqliteException.class, () -> db.executeScript("SELEC 1"));
      assertTrue(!syntax.getMessage().contains("refused"), syntax.getMessage());
      // What the defences keep working.
      assertEquals(0, db.query("PRAGMA trusted_schema").single().getLong(0));
      db.executeScript("CREATE TABLE t (x); INSERT INTO t VALUES (1); DELETE FROM t; VACUUM");
      assertEquals(List.of("ok"), db.integrityCheck());
    }
  }

  @Test
  void aScriptRunsEveryStatementAndANulIsRefusedBeforeAnyRuns() {
    try (ActorStore store = ActorStore.open(dir); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      StringBuilder script = new StringBuilder("CREATE TABLE t (x);");
      for (int i = 0; i < 2000; i++) {
        script.append(" INSERT INTO t VALUES (").append(i).append("); -- comment ").append(i).append('\n');
      }
      script.append("SELECT count(*) FROM t /* no semicolon, a trailing comment */");
      List<String> rows = new ArrayList<>();
      db.executeScript(script.toString(), row -> rows.add(row.getFirst()));
      assertEquals(List.of("2000"), rows);

      InvalidSqlTextException e = assertThrows(InvalidSqlTextException.class,
          () -> db.executeScript("DELETE FROM t;\u0000DROP TABLE t;"));
      assertTrue(e.getMessage().contains("NUL"), e.getMessage());
      assertThrows(InvalidSqlTextException.class, () -> db.execute("SELECT 1\u0000; DELETE FROM t"));
      assertEquals(2000, db.query("SELECT count(*) FROM t").single().getLong(0), "nothing of the refused scripts ran");
      assertNotEquals(0, db.query("SELECT count(*) FROM sqlite_master WHERE name = 't'").single().getLong(0));
    }
  }
}
