package dev.actorkv.bench;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.migrate.LegacyMapping;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.migrate.MigrationOptions;
import dev.actorkv.migrate.Migrator;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Migration throughput: one actor holding {@code keys} legacy keys (a quarter each of queue messages,
 * workflow history entries, traces chunks and SQLite pages, 128-byte values) migrated to v1 in batches
 * of 1000. Each invocation migrates a fresh actor. Baseline in the same run: {@code blindCopy}, which
 * moves the same keys with the same batch size through the same store API (one forward scan, decode,
 * put v1 + delete legacy) but without the migration's safety work: no conflict multi-get, no progress
 * marker, no strict checks. keys/s = keys / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MigrateBench {
  @Param({"4000", "16000", "64000"})
  int keys;

  private Path dir;
  private ActorStore store;
  private ActorKeyspace actor;
  private int next;
  private final Migrator migrator = new Migrator(MigrationOptions.defaults().withBatchSize(1000));

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("migrate-bench");
    store = ActorStore.open(dir);
  }

  @Setup(Level.Invocation)
  public void writeLegacyActor() {
    actor = store.actor("actor-" + next++);
    Random r = new Random(42);
    int quarter = keys / 4;
    ActorBatch b = actor.batch();
    for (int i = 0; i < quarter; i++) {
      b.put(LegacyKeys.queueMessage(i + 1), value(r));
      b.put(LegacyKeys.workflowHistory(WorkflowLocation.of(new WorkflowLocation.Name(i % 16)).loop(1, i)), value(r));
      b.put(LegacyKeys.tracesChunk(1_700_000_000L + (i / 8) * 60L, i % 8), value(r));
      b.put(LegacyKeys.sqliteChunk(SqliteFile.MAIN, i), value(r));
      if (b.size() >= 4000) {
        actor.commit(b);
        b = actor.batch();
      }
    }
    actor.commit(b);
  }

  private static byte[] value(Random r) {
    byte[] v = new byte[128];
    r.nextBytes(v);
    return v;
  }

  @TearDown(Level.Invocation)
  public void dropActor() {
    actor.deleteAll();
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    store.close();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Object migrate() {
    return migrator.migrate(actor);
  }

  @Benchmark
  public int blindCopy() {
    int moved = 0;
    byte[] from = LegacyKeys.candidateSpan().begin();
    byte[] end = LegacyKeys.candidateSpan().end();
    while (true) {
      ActorBatch b = actor.batch();
      int n = 0;
      try (KeyValueIterator it = actor.iterator(KeyRange.of(from, end), false)) {
        while (it.hasNext() && n < 1000) {
          KeyValue kv = it.next();
          if (LegacyKeys.isLegacy(kv.key())) {
            b.put(LegacyMapping.toV1(KeyDescriber.describe(kv.key())).orElseThrow().encode(), kv.value());
            b.delete(kv.key());
            from = java.util.Arrays.copyOf(kv.key(), kv.key().length + 1); // just after it
            n++;
          }
        }
      }
      if (n == 0) {
        return moved;
      }
      actor.commit(b);
      moved += n;
    }
  }
}
