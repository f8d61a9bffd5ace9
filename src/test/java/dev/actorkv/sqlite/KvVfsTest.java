package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvVfsTest {
  @TempDir
  Path dir;

  /** Offsets and sizes of sqlite3.h's structs on LP64 (x86_64, aarch64). */
  @Test
  void structLayoutsMatchSqlite3h() {
    assertEquals(168, VfsLayouts.VFS.byteSize());
    assertEquals(0, VfsLayouts.offset(VfsLayouts.VFS, "iVersion"));
    assertEquals(4, VfsLayouts.offset(VfsLayouts.VFS, "szOsFile"));
    assertEquals(8, VfsLayouts.offset(VfsLayouts.VFS, "mxPathname"));
    assertEquals(16, VfsLayouts.offset(VfsLayouts.VFS, "pNext"));
    assertEquals(24, VfsLayouts.offset(VfsLayouts.VFS, "zName"));
    assertEquals(40, VfsLayouts.offset(VfsLayouts.VFS, "xOpen"));
    assertEquals(104, VfsLayouts.offset(VfsLayouts.VFS, "xRandomness"));
    assertEquals(128, VfsLayouts.offset(VfsLayouts.VFS, "xGetLastError"));
    assertEquals(136, VfsLayouts.offset(VfsLayouts.VFS, "xCurrentTimeInt64"));
    assertEquals(160, VfsLayouts.offset(VfsLayouts.VFS, "xNextSystemCall"));
    assertEquals(152, VfsLayouts.IO_METHODS.byteSize());
    assertEquals(8, VfsLayouts.offset(VfsLayouts.IO_METHODS, "xClose"));
    assertEquals(16, VfsLayouts.offset(VfsLayouts.IO_METHODS, "xRead"));
    assertEquals(80, VfsLayouts.offset(VfsLayouts.IO_METHODS, "xFileControl"));
    assertEquals(96, VfsLayouts.offset(VfsLayouts.IO_METHODS, "xDeviceCharacteristics"));
    assertEquals(144, VfsLayouts.offset(VfsLayouts.IO_METHODS, "xUnfetch"));
    assertEquals(16, VfsLayouts.FILE.byteSize());
  }

  /**
   * Clock, randomness and the rest of the file-less services come from SQLite's unix VFS: the current
   * time is the system's and random values differ. Two databases open at once have distinct VFS names.
   */
  @Test
  void osServicesComeFromTheUnixVfs() {
    try (ActorStore store = ActorStore.open(dir);
        SqliteDatabase a = SqliteDatabase.open(store.actor("a"));
        SqliteDatabase b = SqliteDatabase.open(store.actor("b"))) {
      long before = System.currentTimeMillis();
      long now = a.query("SELECT CAST(round((julianday('now') - 2440587.5) * 86400000) AS INTEGER)").single().getLong(0);
      long after = System.currentTimeMillis();
      assertTrue(now >= before - 1000 && now <= after + 1000, "SQLite's now " + now + " vs Java's " + before + ".." + after);
      assertFalse(java.util.Arrays.equals(a.query("SELECT randomblob(16)").single().getBytes(0),
          b.query("SELECT randomblob(16)").single().getBytes(0)));
      a.execute("CREATE TABLE t (x)");
      b.execute("CREATE TABLE u (y)");
      assertEquals(List.of("t"), names(a));
      assertEquals(List.of("u"), names(b)); // each handle reaches its own actor through its own VFS
    }
  }

  private static List<String> names(SqliteDatabase db) {
    return db.query("SELECT name FROM sqlite_schema ORDER BY name").rows().stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void missingLibraryNamesTheDebianPackage() {
    SqliteUnavailableException e = assertThrows(SqliteUnavailableException.class,
        () -> SqliteLibrary.find(List.of("libsqlite3-does-not-exist.so.0")));
    assertTrue(e.getMessage().contains("libsqlite3-0"), e.getMessage());
    assertTrue(e.getMessage().contains("libsqlite3-does-not-exist.so.0"), e.getMessage());
    assertTrue(SqliteDatabase.libraryVersion().startsWith("3."));
  }

  @Test
  void onStoreRollbackJournalWorksAndIsFinalizedAfterEachCommit() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("j");
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        assertEquals("delete", db.query("PRAGMA journal_mode=DELETE").single().getString(0));
        db.execute("CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT)");
        db.inTransaction(tx -> {
          for (int i = 0; i < 300; i++) {
            tx.execute("INSERT INTO t VALUES (?, ?)", i, "row " + i);
          }
          return null;
        });
        db.execute("UPDATE t SET y = 'changed' WHERE x < 100");
        // In exclusive locking mode SQLite keeps the journal and zeroes its header after each commit.
        byte[] journalHead = actor.get(SqliteKeys.chunk(SqliteFile.JOURNAL, 0));
        assertTrue(PageStore.open(actor, SqliteFile.JOURNAL).size() > 0);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[8], java.util.Arrays.copyOf(journalHead, 8));
        assertFalse(SqliteAudit.hotJournal(actor));
        // A failure in the middle of the journal protocol rolls the transaction back.
        faults.failWriteAfter(1);
        assertThrows(SqliteStorageException.class, () -> db.execute("DELETE FROM t WHERE x >= 200"));
        assertEquals(300, db.query("SELECT count(*) FROM t").single().getLong(0));
      }
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        assertEquals(List.of("ok"), db.integrityCheck());
        assertEquals(100, db.query("SELECT count(*) FROM t WHERE y = 'changed'").single().getLong(0));
        assertEquals(300, db.query("SELECT count(*) FROM t").single().getLong(0));
        assertEquals("memory", db.query("PRAGMA journal_mode").single().getString(0));
      }
    }
  }

  @Test
  void refusesJournalModeOffAndTemporaryFilesStayInMemory() {
    try (ActorStore store = ActorStore.open(dir); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      SqliteException off = assertThrows(SqliteException.class, () -> db.execute("PRAGMA journal_mode=OFF"));
      assertTrue(off.getMessage().contains("journal_mode=off is not supported"));
      assertEquals("memory", db.query("PRAGMA journal_mode").single().getString(0));
      db.execute("PRAGMA temp_store=FILE");
      db.execute("CREATE TEMP TABLE scratch (x)");
      db.execute("INSERT INTO scratch SELECT value FROM json_each('[3,1,2]')");
      assertEquals(List.of(1L, 2L, 3L), SqliteDatabaseTest.ints(db.query("SELECT x FROM scratch ORDER BY x")));
      assertFalse(db.query("SELECT name FROM sqlite_master").size() > 0);
    }
  }
}
