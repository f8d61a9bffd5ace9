package dev.actorkv.bench;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.actorkv.testing.PostgresCluster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pekko Persistence journals measured the way Pekko's {@code JournalPerfSpec} does, through real persistent
 * actors: {@code actor-kv.journal} on RocksDB and on PostgreSQL against pekko-persistence-jdbc (the peer,
 * Slick on 8 connections; actor-kv's PostgreSQL pool has 8 too) on the same throwaway PostgreSQL server
 * (tests' cluster: loopback, {@code synchronous_commit=off}), in the same run. Scores are events per second.
 *
 * <ul>
 *   <li>{@code persistAsync}: one actor is sent 1 000 commands and {@code persistAsync}s each (Pekko
 *       batches the writes that queue up while one is in flight);
 *   <li>{@code persist}: the same with {@code persist}, one write at a time (a round trip per event);
 *   <li>{@code persist100Actors}: 100 actors, 10 {@code persist}ed events each, all at once;
 *   <li>{@code replay}: recovering an actor with 10 000 events.
 * </ul>
 *
 * <p>{@code inmem} is Pekko's in-memory test journal: the cost of Pekko's own machinery, which bounds what
 * any journal can reach here.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"})
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class PekkoJournalBench {
  static final int EVENTS = 1_000;
  static final int ACTORS = 100;
  static final int EVENTS_PER_ACTOR = 10;
  static final int REPLAY_EVENTS = 10_000;
  static final Duration WAIT = Duration.ofSeconds(120);

  @Param({"actor-kv-rocksdb", "actor-kv-postgresql", "jdbc-postgresql", "inmem"})
  public String journal;

  ActorSystem system;
  TestKit probe;
  Path dir;
  long pids;
  ActorRef writer;
  List<ActorRef> writers = new ArrayList<>();

  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    Config config = switch (journal) {
      case "actor-kv-rocksdb" -> {
        dir = Files.createTempDirectory("pekko-bench");
        yield actorKv(dir.resolve("store").toString());
      }
      case "actor-kv-postgresql" -> actorKv(PostgresCluster.shared().newDatabase("pekko_bench"));
      case "jdbc-postgresql" -> jdbc();
      // Pekko's in-memory test journal: what Pekko itself costs, the ceiling of any journal here.
      case "inmem" -> ConfigFactory.parseString("""
          pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
          pekko.persistence.snapshot-store.plugin = "pekko.persistence.no-snapshot-store"
          """);
      default -> throw new IllegalArgumentException(journal);
    };
    system = ActorSystem.create("bench", config.withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING")));
    probe = new TestKit(system);
    ActorRef replayed = start("replay");
    for (int i = 0; i < REPLAY_EVENTS; i++) {
      replayed.tell(i, ActorRef.noSender());
    }
    probe.expectMsg(WAIT, "done " + REPLAY_EVENTS);
    system.stop(replayed);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    TestKit.shutdownActorSystem(system);
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Config actorKv(String store) {
    return ConfigFactory.parseString("""
        pekko.persistence.journal.plugin = "actor-kv.journal"
        pekko.persistence.snapshot-store.plugin = "actor-kv.snapshot-store"
        actor-kv.store = "%s"
        """.formatted(store));
  }

  /** pekko-persistence-jdbc on a new database of the same cluster, with its own PostgreSQL schema. */
  static Config jdbc() throws IOException, SQLException {
    PostgresCluster cluster = PostgresCluster.shared();
    String uri = cluster.newDatabase("pekko_jdbc_bench");
    String jdbcUrl = cluster.jdbcUrl(uri.substring(uri.lastIndexOf('/') + 1));
    String ddl;
    try (InputStream in = PekkoJournalBench.class.getResourceAsStream("/schema/postgres/postgres-create-schema.sql")) {
      ddl = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement()) {
      for (String statement : ddl.split(";")) {
        if (!statement.isBlank() && !statement.contains("durable_state")) { // the journal and snapshots only
          s.execute(statement);
        }
      }
    }
    return ConfigFactory.parseString("""
        pekko.persistence.journal.plugin = "jdbc-journal"
        pekko.persistence.snapshot-store.plugin = "jdbc-snapshot-store"
        jdbc-journal.slick = ${slick}
        jdbc-snapshot-store.slick = ${slick}
        slick {
          profile = "slick.jdbc.PostgresProfile$"
          db {
            url = "%s"
            driver = "org.postgresql.Driver"
            numThreads = 8
            maxConnections = 8
            minConnections = 1
          }
        }
        """.formatted(jdbcUrl)).withFallback(ConfigFactory.load()).resolve();
  }

  ActorRef start(String pid) {
    ActorRef a = system.actorOf(Props.create(Writer.class, new Writer.Creator(pid, probe.getRef())));
    probe.expectMsgClass(WAIT, Long.class);
    return a;
  }

  @Setup(Level.Invocation)
  public void newActors() {
    writer = start("w-" + ++pids);
    writers.clear();
  }

  @TearDown(Level.Invocation)
  public void stopActors() {
    system.stop(writer);
    writers.forEach(system::stop);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void persistAsync() {
    for (int i = 0; i < EVENTS; i++) {
      writer.tell(i, ActorRef.noSender());
    }
    probe.expectMsg(WAIT, "done " + EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation(EVENTS)
  public void persist() {
    for (int i = 0; i < EVENTS; i++) {
      writer.tell("sync " + i, ActorRef.noSender());
    }
    probe.expectMsg(WAIT, "done " + EVENTS);
  }

  @Benchmark
  @OperationsPerInvocation(ACTORS * EVENTS_PER_ACTOR)
  public void persist100Actors() {
    List<ActorRef> actors = new ArrayList<>(ACTORS);
    for (int a = 0; a < ACTORS; a++) {
      actors.add(system.actorOf(Props.create(Writer.class, new Writer.Creator("m-" + ++pids, probe.getRef()))));
    }
    for (int a = 0; a < ACTORS; a++) {
      probe.expectMsgClass(WAIT, Long.class);
    }
    writers.addAll(actors);
    for (ActorRef a : actors) {
      for (int i = 0; i < EVENTS_PER_ACTOR; i++) {
        a.tell("sync " + i, ActorRef.noSender());
      }
    }
    for (int a = 0; a < ACTORS; a++) {
      probe.expectMsg(WAIT, "done " + EVENTS_PER_ACTOR);
    }
  }

  @Benchmark
  @OperationsPerInvocation(REPLAY_EVENTS)
  public void replay() {
    writers.add(system.actorOf(Props.create(Writer.class, new Writer.Creator("replay", probe.getRef()))));
    probe.expectMsg(WAIT, (long) REPLAY_EVENTS);
  }

  /**
   * Persists what it is sent (an Integer with persistAsync, "sync n" with persist) as a 16-character string
   * event, and tells the probe how many events it recovered, then "done n" after every n-th write.
   */
  static final class Writer extends AbstractPersistentActor {
    private final String pid;
    private final ActorRef probe;
    private long recovered;
    private int written;
    private final int every;

    Writer(String pid, ActorRef probe) {
      this.pid = pid;
      this.probe = probe;
      this.every = pid.startsWith("m-") ? EVENTS_PER_ACTOR : pid.equals("replay") ? REPLAY_EVENTS : EVENTS;
    }

    record Creator(String pid, ActorRef probe) implements org.apache.pekko.japi.Creator<Writer> {
      @Override
      public Writer create() {
        return new Writer(pid, probe);
      }
    }

    @Override
    public String persistenceId() {
      return pid;
    }

    @Override
    public Receive createReceiveRecover() {
      return receiveBuilder()
          .match(String.class, e -> recovered++)
          .match(RecoveryCompleted.class, done -> probe.tell(recovered, self()))
          .build();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(Integer.class, i -> persistAsync(String.format("event-%010d", i), this::written))
          .match(String.class, s -> persist(String.format("event-%010d", written), this::written))
          .build();
    }

    private void written(String event) {
      if (++written % every == 0) {
        probe.tell("done " + written, self());
      }
    }
  }
}
