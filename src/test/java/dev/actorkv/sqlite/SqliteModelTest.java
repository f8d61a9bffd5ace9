package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/** Random SQL operation sequences (with rolled-back transactions and reopens) against a TreeMap. */
class SqliteModelTest {
  sealed interface Op permits Put, Remove, RemoveRange, RolledBack, FailedCommit, Reopen {}

  record Put(long key, String value) implements Op {}

  record Remove(long key) implements Op {}

  record RemoveRange(long from, long to) implements Op {}

  /** A transaction of puts that is rolled back: must leave no trace. */
  record RolledBack(List<Long> keys) implements Op {}

  /** A transaction of puts whose store write fails at commit: must leave no trace either. */
  record FailedCommit(List<Long> keys) implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Long> keys = Arbitraries.longs().between(0, 400);
    Arbitrary<String> values = Arbitraries.strings().withCharRange('a', 'z').ofMinLength(0).ofMaxLength(3000);
    Arbitrary<Op> put = Combinators.combine(keys, values).as(Put::new);
    Arbitrary<Op> remove = keys.map(Remove::new);
    Arbitrary<Op> removeRange = Combinators.combine(keys, keys).as((a, b) -> new RemoveRange(Math.min(a, b), Math.max(a, b)));
    Arbitrary<Op> rolledBack = keys.list().ofMaxSize(20).map(RolledBack::new);
    Arbitrary<Op> failedCommit = keys.list().ofMinSize(1).ofMaxSize(20).map(FailedCommit::new);
    Arbitrary<Op> reopen = Arbitraries.just(new Reopen());
    return Arbitraries.frequencyOf(
        Tuple.of(8, put), Tuple.of(2, remove), Tuple.of(1, removeRange), Tuple.of(1, rolledBack), Tuple.of(1, failedCommit), Tuple.of(1, reopen))
        .list().ofMaxSize(60);
  }

  @Property(tries = 10)
  void databaseMatchesTheModel(@ForAll("ops") List<Op> ops, @ForAll("pageSizes") int pageSize) throws IOException {
    Path dir = Files.createTempDirectory("sqlite-model");
    TreeMap<Long, String> model = new TreeMap<>();
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      SqliteOptions options = SqliteOptions.defaults().withPageSize(pageSize).withCacheSizeKiB(64);
      SqliteDatabase db = SqliteDatabase.open(store.actor("m"), options);
      try {
        db.execute("CREATE TABLE kv (k INTEGER PRIMARY KEY, v TEXT NOT NULL)");
        for (Op op : ops) {
          switch (op) {
            case Put p -> {
              db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", p.key(), p.value());
              model.put(p.key(), p.value());
            }
            case Remove r -> {
              db.execute("DELETE FROM kv WHERE k = ?", r.key());
              model.remove(r.key());
            }
            case RemoveRange r -> {
              db.execute("DELETE FROM kv WHERE k BETWEEN ? AND ?", r.from(), r.to());
              model.subMap(r.from(), true, r.to(), true).clear();
            }
            case RolledBack r -> {
              db.begin();
              for (long k : r.keys()) {
                db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", k, "x".repeat(2000));
              }
              db.rollback();
            }
            case FailedCommit f -> {
              db.begin();
              for (long k : f.keys()) {
                db.execute("INSERT OR REPLACE INTO kv VALUES (?, ?)", k, "y".repeat(2000));
              }
              faults.failWriteAfter(0);
              assertThrows(SqliteStorageException.class, db::commit);
              faults.disarm();
              if (db.inTransaction()) {
                db.rollback();
              }
              // Pages read again from the page store (the page cache is tiny) must be the committed ones.
              assertEquals(model, table(db));
            }
            case Reopen r -> {
              db.close();
              db = SqliteDatabase.open(store.actor("m"), options);
            }
          }
        }
        assertEquals(model, table(db));
        assertEquals(List.of("ok"), db.integrityCheck());
      } finally {
        db.close();
      }
    } finally {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Provide
  Arbitrary<Integer> pageSizes() {
    return Arbitraries.of(1024, 4096, 65536);
  }

  private static Map<Long, String> table(SqliteDatabase db) {
    TreeMap<Long, String> out = new TreeMap<>();
    for (Row r : db.query("SELECT k, v FROM kv").rows()) {
      out.put(r.getLong(0), r.getString(1));
    }
    return out;
  }
}
