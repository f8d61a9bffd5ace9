package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.Limits;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage failures at every write: SQLite sees SQLITE_IOERR, the caller a typed error, the store nothing. */
class SqliteFaultTest {
  @TempDir
  Path dir;

  /** The scripted workload: each step is one transaction, mirrored on a model of the table. */
  private record Step(String name, Consumer<SqliteDatabase> sql, Consumer<Map<Long, String>> model) {}

  private static List<Step> workload() {
    List<Step> steps = new ArrayList<>();
    for (long i = 0; i < 6; i++) {
      long base = i * 40;
      steps.add(new Step("insert batch " + i, db -> db.inTransaction(tx -> {
        for (long k = base; k < base + 40; k++) {
          tx.execute("INSERT INTO t VALUES (?, ?)", k, "v" + k + "-" + "p".repeat((int) (k % 300)));
        }
        return null;
      }), m -> {
        for (long k = base; k < base + 40; k++) {
          m.put(k, "v" + k + "-" + "p".repeat((int) (k % 300)));
        }
      }));
    }
    steps.add(new Step("update", db -> db.execute("UPDATE t SET v = 'u' || id WHERE id % 3 = 0"),
        m -> m.replaceAll((k, v) -> k % 3 == 0 ? "u" + k : v)));
    steps.add(new Step("create index", db -> db.execute("CREATE INDEX t_v ON t(v)"), m -> {}));
    steps.add(new Step("delete", db -> db.execute("DELETE FROM t WHERE id < 150"), m -> m.keySet().removeIf(k -> k < 150)));
    steps.add(new Step("vacuum", db -> db.execute("VACUUM"), m -> {}));
    steps.add(new Step("insert after vacuum", db -> db.execute("INSERT INTO t VALUES (1000, 'last')"), m -> m.put(1000L, "last")));
    return steps;
  }

  private static Map<Long, String> table(SqliteDatabase db) {
    Map<Long, String> out = new TreeMap<>();
    for (Row r : db.query("SELECT id, v FROM t").rows()) {
      out.put(r.getLong(0), r.getString(1));
    }
    return out;
  }

  private static List<KeyValue> sqliteKeys(ActorKeyspace actor) {
    return actor.scan(SqliteKeys.all(), Integer.MAX_VALUE);
  }

  @Test
  void failingEachWriteOfTheWorkloadLeavesExactlyTheOtherTransactions() {
    int steps = workload().size();
    for (int failAt = 0; failAt < steps; failAt++) {
      FailingFaults faults = new FailingFaults();
      Path storeDir = dir.resolve("run" + failAt);
      Map<Long, String> model = new TreeMap<>();
      try (ActorStore store = ActorStore.open(storeDir, StoreOptions.defaults().withFaults(faults))) {
        ActorKeyspace actor = store.actor("a");
        try (SqliteDatabase db = SqliteDatabase.open(actor, SqliteOptions.defaults().withCacheSizeKiB(64))) {
          db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
          int i = 0;
          for (Step step : workload()) {
            long writesBefore = faults.writes();
            if (i == failAt) {
              List<KeyValue> before = sqliteKeys(actor);
              faults.failWriteAfter(0);
              SqliteStorageException e = assertThrows(SqliteStorageException.class, () -> step.sql().accept(db), step.name());
              assertEquals(10, e.primaryResultCode(), step.name() + ": " + e.getMessage()); // SQLITE_IOERR
              assertInstanceOf(FailingFaults.InjectedFault.class, e.getCause(), step.name());
              assertEquals(before, sqliteKeys(actor), step.name() + " left partial state in the store");
              assertEquals(model, table(db), step.name() + " left partial state in SQLite");
              assertEquals(List.of("ok"), db.integrityCheck());
            } else {
              step.sql().accept(db);
              step.model().accept(model);
              assertEquals(1, faults.writes() - writesBefore, step.name() + " must commit as exactly one batch");
            }
            i++;
          }
          assertEquals(model, table(db));
        }
        try (SqliteDatabase db = SqliteDatabase.open(actor)) {
          assertEquals(model, table(db), "after reopen, fault at step " + failAt);
          assertEquals(List.of("ok"), db.integrityCheck());
        }
      }
    }
  }

  @Test
  void aTransactionLargerThanThePageCacheIsStillOneBatch() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults));
        SqliteDatabase db = SqliteDatabase.open(store.actor("a"), SqliteOptions.defaults().withCacheSizeKiB(16))) {
      db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB)");
      ActorKeyspace actor = store.actor("a");
      List<KeyValue> before = sqliteKeys(actor);
      // 2 MB through a 16 KiB cache: SQLite spills dirty pages to the file mid-transaction.
      faults.failWriteAfter(0);
      assertThrows(SqliteStorageException.class, () -> db.inTransaction(tx -> {
        for (int k = 0; k < 500; k++) {
          tx.execute("INSERT INTO t VALUES (?, randomblob(4000))", k);
        }
        return null;
      }));
      assertEquals(before, sqliteKeys(actor));
      assertEquals(0, db.query("SELECT count(*) FROM t").single().getLong(0));
      long writes = faults.writes();
      db.inTransaction(tx -> {
        for (int k = 0; k < 500; k++) {
          tx.execute("INSERT INTO t VALUES (?, randomblob(4000))", k);
        }
        return null;
      });
      assertEquals(1, faults.writes() - writes);
      db.execute("DELETE FROM t WHERE id >= 250");
      assertEquals(250, db.query("SELECT count(*) FROM t").single().getLong(0));
      assertEquals(List.of("ok"), db.integrityCheck());
    }
  }

  @Test
  void readFailuresAreIoErrorsWithTheCause() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      try (SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
        db.execute("CREATE TABLE t (x)");
        db.execute("INSERT INTO t VALUES (1)");
      }
      try (SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
        faults.failReadAfter(0);
        SqliteStorageException e = assertThrows(SqliteStorageException.class, () -> db.query("SELECT x FROM t"));
        assertEquals(10, e.primaryResultCode(), e.getMessage());
        assertInstanceOf(FailingFaults.InjectedFault.class, e.getCause());
        assertEquals(1, db.query("SELECT x FROM t").single().getLong(0));
      }
    }
  }

  @Test
  void storageQuotaSurfacesAsSqliteFullWithTheLimitAsCause() {
    StoreOptions options = StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxStorageBytes(200_000));
    try (ActorStore store = ActorStore.open(dir, options); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.execute("CREATE TABLE t (b BLOB)");
      db.execute("INSERT INTO t VALUES (randomblob(1000))");
      List<KeyValue> before = sqliteKeys(store.actor("a"));
      SqliteStorageException e = assertThrows(SqliteStorageException.class,
          () -> db.execute("WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 300) "
              + "INSERT INTO t SELECT randomblob(1000) FROM c"));
      assertEquals(13, e.primaryResultCode(), e.getMessage()); // SQLITE_FULL
      assertInstanceOf(LimitExceededException.class, e.getCause());
      assertEquals(before, sqliteKeys(store.actor("a")));
      assertEquals(1, db.query("SELECT count(*) FROM t").single().getLong(0));
      assertTrue(db.integrityCheck().equals(List.of("ok")));
    }
  }
}
