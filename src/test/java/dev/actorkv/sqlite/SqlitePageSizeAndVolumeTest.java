package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every SQLite page size, and databases of 10 MB (default run) and 100 MB (long run). */
class SqlitePageSizeAndVolumeTest {
  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(ints = {512, 1024, 4096, 8192, 65536})
  void everyPageSizeRoundTrips(int pageSize) {
    Random random = new Random(pageSize);
    TreeMap<Long, byte[]> model = new TreeMap<>();
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("p");
      try (SqliteDatabase db = SqliteDatabase.open(actor, SqliteOptions.defaults().withPageSize(pageSize).withCacheSizeKiB(128))) {
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
        db.execute("CREATE INDEX t_b ON t(b)");
        for (int tx = 0; tx < 6; tx++) {
          db.inTransaction(d -> {
            for (int i = 0; i < 100; i++) {
              long id = random.nextInt(3000);
              byte[] b = new byte[1 + random.nextInt(3000)];
              random.nextBytes(b);
              d.execute("INSERT OR REPLACE INTO t VALUES (?, ?)", id, b);
              model.put(id, b);
            }
            return null;
          });
          long cut = random.nextInt(3000);
          db.execute("DELETE FROM t WHERE id BETWEEN ? AND ?", cut, cut + 100);
          model.subMap(cut, true, cut + 100, true).clear();
        }
      }
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        assertEquals(pageSize, db.query("PRAGMA page_size").single().getLong(0));
        assertEquals(List.of("ok"), db.integrityCheck());
        long pages = db.query("PRAGMA page_count").single().getLong(0);
        assertEquals(pages * pageSize, PageStore.open(actor, SqliteFile.MAIN).size());
        assertEquals(pages * pageSize, PageStore.storedMeta(actor, SqliteFile.MAIN).size());
        TreeMap<Long, byte[]> actual = new TreeMap<>();
        for (Row r : db.query("SELECT id, b FROM t").rows()) {
          actual.put(r.getLong(0), r.getBytes(1));
        }
        assertEquals(model.keySet(), actual.keySet());
        model.forEach((k, v) -> assertArrayEquals(v, actual.get(k), "row " + k));
        db.execute("VACUUM");
        assertEquals(List.of("ok"), db.integrityCheck());
        assertTrue(db.query("PRAGMA page_count").single().getLong(0) <= pages);
      }
    }
  }

  @Test
  void tenMegabyteDatabase() {
    volume(10);
  }

  @Test
  @Tag("long")
  void hundredMegabyteDatabase() {
    volume(100);
  }

  private void volume(int megabytes) {
    int rowBytes = 8000;
    int rows = megabytes * 1024 * 1024 / rowBytes;
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("big");
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, b BLOB NOT NULL)");
        Statement insert = db.prepare("INSERT INTO t VALUES (?, ?)");
        for (int start = 0; start < rows; start += 500) {
          int from = start;
          db.inTransaction(d -> {
            for (int id = from; id < Math.min(rows, from + 500); id++) {
              insert.execute(id, rowContent(id, rowBytes));
            }
            return null;
          });
        }
        insert.close();
      }
      long size = PageStore.open(actor, SqliteFile.MAIN).size();
      assertTrue(size >= (long) megabytes * 1024 * 1024, "database is only " + size + " bytes");
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        assertEquals(rows, db.query("SELECT count(*) FROM t").single().getLong(0));
        assertEquals((long) rows * rowBytes, db.query("SELECT sum(length(b)) FROM t").single().getLong(0));
        Random random = new Random(1);
        for (int i = 0; i < 200; i++) {
          int id = random.nextInt(rows);
          assertArrayEquals(rowContent(id, rowBytes), db.query("SELECT b FROM t WHERE id = ?", id).single().getBytes(0));
        }
        assertEquals(List.of("ok"), db.integrityCheck());
      }
    }
  }

  private static byte[] rowContent(int id, int length) {
    byte[] b = new byte[length];
    new Random(id).nextBytes(b);
    return b;
  }
}
