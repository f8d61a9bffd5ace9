package dev.actorkv.bench;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.testing.PostgresCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Durable alarms (issue 20), on the embedded store and on PostgreSQL (the tests' throwaway cluster:
 * loopback, {@code synchronous_commit=off}, so a commit does not wait for its WAL flush and the cost of the
 * alarm's rows shows). {@code nextDue}: the store-wide next due time through
 * the {@code FF 05} index, with {@code pending} alarms spread over 1000 actors (goal: 100 000 ÷ 10 ≤ 1.2,
 * the index seek does not grow with the number of alarms). {@code batchWithAlarm} against
 * {@code batchWithoutAlarm}: the same two-key batch of one actor with and without an alarm set in it (the
 * alarm's record and index entry in the same write batch, and the old entry's removal).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AlarmBench {
  @Param({"10", "100000"})
  int pending;

  @Param({"rocksdb", "postgresql"})
  String engine;

  Path dir;
  ActorStore store;
  ActorKeyspace actor;
  byte[] value = new byte[64];
  long tick;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    if (engine.equals("postgresql")) {
      store = PostgresEngine.openStore(PostgresCluster.shared().newDatabase("alarm_bench"), StoreOptions.defaults());
    } else {
      dir = Files.createTempDirectory("bench-alarms");
      store = ActorStore.open(dir.resolve("db"));
    }
    Instant base = Instant.parse("2026-01-01T00:00:00Z");
    int actors = Math.min(pending, 1000);
    for (int a = 0; a < actors; a++) {
      ActorBatch b = new ActorBatch();
      for (int i = a; i < pending; i += actors) {
        b.setAlarm("alarm-" + i, base.plusMillis((i * 7919L) % 86_400_000L), new byte[16]);
      }
      store.actor("actor-" + a).commit(b);
    }
    actor = store.actor("writer");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    store.close();
    if (dir != null) {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Benchmark
  public Optional<Instant> nextDue() {
    return store.nextAlarmDue();
  }

  @Benchmark
  public void batchWithoutAlarm() {
    long t = tick++;
    value[0] = (byte) t;
    actor.commit(actor.batch().put(new byte[] {4, 1}, value).put(new byte[] {4, 2}, value));
  }

  @Benchmark
  public void batchWithAlarm() {
    long t = tick++;
    value[0] = (byte) t;
    actor.commit(actor.batch().put(new byte[] {4, 1}, value).put(new byte[] {4, 2}, value)
        .setAlarm("wake", Instant.ofEpochMilli(1_800_000_000_000L + t), new byte[16]));
  }
}
