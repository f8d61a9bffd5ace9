package dev.actorkv.bench;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.QueueOptions;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteOptions;
import dev.actorkv.sqlite.Statement;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.testing.PostgresCluster;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The managers on each engine, side by side in one run: a queue cycle (enqueue, receive, complete), a
 * one-step workflow run to completion on a fresh actor, a one-row SQLite commit, and a point get with
 * 10 or 10 000 actors in the store (the per-op cost must not grow with the number of actors). PostgreSQL
 * is the tests' throwaway cluster on loopback; RocksDB a temporary directory.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EngineBench {
  private static final byte[] BODY =
      "{\"task\":\"resize\",\"image\":\"cat-000001.png\",\"width\":128,\"height\":128}".getBytes(StandardCharsets.UTF_8);
  static final int KEYS_PER_ACTOR = 10;

  @Param({"rocksdb", "postgres"})
  public String engine;

  @Param({"10", "10000"})
  public int actors;

  private Path dir;
  private ActorStore store;
  private ActorQueue queue;
  private SqliteDatabase db;
  private Statement insert;
  private long nextRow;
  private long nextWorkflow;
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    if (engine.equals("postgres")) {
      store = PostgresEngine.openStore(PostgresCluster.shared().newDatabase("engine"), StoreOptions.defaults());
    } else {
      dir = Files.createTempDirectory("engine-bench");
      store = ActorStore.open(dir);
    }
    for (int a = 0; a < actors; a++) {
      ActorKeyspace actor = store.actor(actorId(a));
      ActorBatch b = actor.batch();
      for (int k = 0; k < KEYS_PER_ACTOR; k++) {
        b.put(key(k), new byte[100]);
      }
      actor.commit(b);
    }
    queue = ActorQueue.open(store.actor("queue"), QueueOptions.defaults().withMaxSize(1_000_000));
    db = SqliteDatabase.open(store.actor("sqlite"), SqliteOptions.defaults().withPageSize(4096).withCacheSizeKiB(8192));
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name TEXT NOT NULL)");
    insert = db.prepare("INSERT INTO items VALUES (?, ?, ?)");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    insert.close();
    db.close();
    queue.close();
    store.close();
    if (dir != null) {
      try (Stream<Path> paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static String actorId(int a) {
    return "actor-" + a;
  }

  static byte[] key(int k) {
    return ("\u0004k" + k).getBytes(StandardCharsets.UTF_8);
  }

  /** A point get on an actor picked round the store (a fresh open the first time each actor is seen). */
  @Benchmark
  public byte[] get() {
    next = (next + 7919) % (actors * KEYS_PER_ACTOR);
    return store.actor(actorId(next / KEYS_PER_ACTOR)).get(key(next % KEYS_PER_ACTOR));
  }

  @Benchmark
  public Object queueCycle() throws InterruptedException {
    queue.enqueue("job", BODY);
    List<Message> got = queue.receiveCompletable(List.of(), 1, Duration.ZERO);
    queue.complete(got.getFirst(), null);
    return got;
  }

  /** A fresh one-step workflow run to completion (open, step, complete). */
  @Benchmark
  public Object workflowStep() {
    ActorKeyspace a = store.actor("wf" + nextWorkflow++);
    return WorkflowEngine.open(a).run(Workflow.of(String.class, String.class,
        (ctx, in) -> ctx.step("only", String.class, () -> in + "!")), "x");
  }

  /** One row inserted in its own SQLite transaction (one commit of the dirty pages). */
  @Benchmark
  public long sqliteCommit() {
    long id = nextRow++;
    return insert.execute(id, id % 5000, "item-" + id);
  }
}
