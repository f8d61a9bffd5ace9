package dev.actorkv.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.StoreMetrics;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.LeaseOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.testing.StoreFixture;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.SpanKey;
import dev.actorkv.traces.TracesOptions;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowOptions;
import dev.actorkv.workflow.WorkflowOutcome;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every instrument README documents, read through the OpenTelemetry SDK's {@link InMemoryMetricReader}
 * after real operations on a real RocksDB store (and one PostgreSQL store): counts equal the operations
 * done, bytes what was written, observable sums what the open actors, queues and trace managers hold.
 * README's table is checked against the instruments the store makes.
 */
class MetricsTest {
  static final Attributes ROCKSDB = Attributes.of(StoreMetrics.ENGINE, "rocksdb");
  static final Attributes POSTGRESQL = Attributes.of(StoreMetrics.ENGINE, "postgresql");

  InMemoryMetricReader reader;
  SdkMeterProvider provider;
  StoreFixture fixture;

  @BeforeEach
  void setUp() {
    reader = InMemoryMetricReader.create();
    provider = SdkMeterProvider.builder().registerMetricReader(reader).build();
  }

  @AfterEach
  void tearDown() {
    provider.close();
    if (fixture != null) {
      fixture.close();
    }
  }

  ActorStore openRocksDb() {
    fixture = StoreFixture.rocksDb();
    return fixture.open(StoreOptions.defaults().withMeterProvider(provider));
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  // ------------------------------------------------------------------ reading what the SDK collected

  Collection<MetricData> collect() {
    return reader.collectAllMetrics();
  }

  static MetricData metric(Collection<MetricData> data, String name) {
    return data.stream().filter(m -> m.getName().equals(name)).findFirst().orElse(null);
  }

  /** The value of a counter or up-down counter's point with {@code attributes}; 0 when it has none. */
  static long sum(Collection<MetricData> data, String name, Attributes attributes) {
    MetricData m = metric(data, name);
    if (m == null) {
      return 0;
    }
    assertEquals(MetricDataType.LONG_SUM, m.getType(), name);
    return m.getLongSumData().getPoints().stream()
        .filter(p -> p.getAttributes().equals(attributes))
        .mapToLong(LongPointData::getValue)
        .sum();
  }

  static long sum(Collection<MetricData> data, String name) {
    return sum(data, name, Attributes.empty());
  }

  // ------------------------------------------------------------------ the store

  @Test
  void commitsBytesAndDurationsCountWhatSucceeded() {
    try (ActorStore store = openRocksDb()) {
      ActorKeyspace a = store.actor("a");
      ActorKeyspace b = store.actor("b");
      byte[] k1 = ActorKeys.userKv(b("one"));
      byte[] k2 = ActorKeys.userKv(b("two"));
      byte[] v1 = new byte[100];
      byte[] v2 = new byte[37];
      a.commit(a.batch().put(k1, v1).put(k2, v2)); // 1
      a.put(k1, new byte[5]); // 2
      a.delete(k2); // 3
      b.put(k1, v1); // 4
      b.deleteAll(); // 5
      b.commit(b.batch()); // empty: not a write
      byte[] tooBig = new byte[a.limits().maxValueBytes() + 1];
      assertThrows(LimitExceededException.class, () -> a.put(k2, tooBig)); // refused: not counted
      long putBytes = (k1.length + v1.length) + (k2.length + v2.length) + (k1.length + 5) + (k1.length + v1.length);

      Collection<MetricData> data = collect();
      assertEquals(5, sum(data, "actorkv.store.commits", ROCKSDB));
      assertEquals(putBytes, sum(data, "actorkv.store.bytes_written", ROCKSDB));
      MetricData durations = metric(data, "actorkv.store.commit.duration");
      assertNotNull(durations);
      assertEquals("s", durations.getUnit());
      HistogramPointData point = durations.getHistogramData().getPoints().iterator().next();
      assertEquals(ROCKSDB, point.getAttributes());
      assertEquals(5, point.getCount());
      assertTrue(point.getSum() > 0 && point.getSum() < 60, "seconds, not nanoseconds: " + point.getSum());
      assertEquals("{commit}", metric(data, "actorkv.store.commits").getUnit());
      assertEquals("By", metric(data, "actorkv.store.bytes_written").getUnit());

      assertEquals(a.storageBytes() + b.storageBytes(), sum(data, "actorkv.store.actor.storage", ROCKSDB));
      assertEquals(k1.length + 5, a.storageBytes());
      assertEquals(2, sum(data, "actorkv.store.actors", ROCKSDB));
      assertNull(metric(data, "actorkv.store.leases"), "a RocksDB store holds no leases");

      a.close(); // a closed handle is no longer open
      data = collect();
      assertEquals(0, sum(data, "actorkv.store.actor.storage", ROCKSDB));
      assertEquals(1, sum(data, "actorkv.store.actors", ROCKSDB));
    }
    // The store closed: its observable instruments are no longer observed.
    Collection<MetricData> after = collect();
    assertNull(metric(after, "actorkv.store.actors"));
  }

  @Test
  void postgresCommitsCarryTheEngineAndLeasesCountTheActorsOwned() {
    fixture = StoreFixture.postgres("metrics");
    StoreOptions options = StoreOptions.defaults().withMeterProvider(provider);
    try (ActorStore store = PostgresEngine.openStore(fixture.location(), options, LeaseOptions.defaults().withNode("metrics-node"))) {
      ActorKeyspace x = store.actor("x");
      ActorKeyspace y = store.actor("y");
      byte[] k = ActorKeys.userKv(b("k"));
      x.put(k, new byte[10]);
      x.put(k, new byte[20]);
      y.put(k, new byte[1]);
      Collection<MetricData> data = collect();
      assertEquals(3, sum(data, "actorkv.store.commits", POSTGRESQL));
      assertEquals(0, sum(data, "actorkv.store.commits", ROCKSDB));
      assertEquals(3L * k.length + 31, sum(data, "actorkv.store.bytes_written", POSTGRESQL));
      assertEquals(2, sum(data, "actorkv.store.leases", POSTGRESQL));
      assertEquals(x.storageBytes() + y.storageBytes(), sum(data, "actorkv.store.actor.storage", POSTGRESQL));
      y.close(); // gives y's lease up
      assertEquals(1, sum(collect(), "actorkv.store.leases", POSTGRESQL));

      // README's table, PostgreSQL-only rows included, is what a PostgreSQL store with every manager makes.
      openEveryManager(store.actor("all"));
      assertEquals(readmeInstruments(false), made(store));
    }
  }

  // ------------------------------------------------------------------ the managers

  @Test
  void queueDepthAndLeasedAreWhatTheOpenQueuesHold() throws InterruptedException {
    try (ActorStore store = openRocksDb()) {
      ActorQueue q1 = ActorQueue.open(store.actor("q1"));
      ActorQueue q2 = ActorQueue.open(store.actor("q2"));
      for (int i = 0; i < 5; i++) {
        q1.enqueue("job", b("body " + i));
      }
      q2.enqueue("job", b("other"));
      List<Message> leased = q1.receiveCompletable(List.of(), 2, Duration.ZERO);
      assertEquals(2, leased.size());
      Collection<MetricData> data = collect();
      assertEquals(6, sum(data, "actorkv.queue.depth"));
      assertEquals(2, sum(data, "actorkv.queue.leased"));

      q1.complete(leased.getFirst(), null); // gone from the queue
      q1.receive(List.of(), 1, Duration.ZERO); // removed at delivery
      data = collect();
      assertEquals(q1.size() + q2.size(), sum(data, "actorkv.queue.depth"));
      assertEquals(4, sum(data, "actorkv.queue.depth"));
      assertEquals(1, sum(data, "actorkv.queue.leased"));

      q2.close();
      data = collect();
      assertEquals(3, sum(data, "actorkv.queue.depth"));
      q1.close();
      assertEquals(0, sum(collect(), "actorkv.queue.depth"));
    }
  }

  @Test
  void workflowStepsCountAttemptsRunAndReplaysCountRecordedResultsReturned() {
    try (ActorStore store = openRocksDb()) {
      AtomicLong now = new AtomicLong(1_800_000_000_000L);
      InstantSource clock = () -> Instant.ofEpochMilli(now.get());
      WorkflowOptions options = WorkflowOptions.DEFAULTS.withClock(clock);
      Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
        String x = ctx.step("a", String.class, () -> in + "-a");
        String y = ctx.step("b", String.class, () -> x + "-b");
        ctx.sleep("nap", Duration.ofMinutes(1));
        return ctx.step("c", String.class, () -> y + "-c");
      });
      ActorKeyspace actor = store.actor("wf");
      assertTrue(WorkflowEngine.open(actor, options).run(wf, "in") instanceof WorkflowOutcome.Sleeping<String>);
      Collection<MetricData> data = collect();
      assertEquals(2, sum(data, "actorkv.workflow.steps"));
      assertEquals(0, sum(data, "actorkv.workflow.replays"));

      now.addAndGet(Duration.ofMinutes(1).toMillis());
      assertEquals(new WorkflowOutcome.Completed<>("in-a-b-c"), WorkflowEngine.open(actor, options).resume(wf));
      data = collect();
      assertEquals(3, sum(data, "actorkv.workflow.steps"), "only c ran");
      assertEquals(2, sum(data, "actorkv.workflow.replays"), "a and b were replayed");
    }
  }

  static final Resource RESOURCE = Resource.getDefaultInstance();
  static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("metrics-test").build();

  static Span span(long n, long startNanos, long endNanos) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(7).putLong(n + 1).array()))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n + 1).array()))
        .setName("op-" + n)
        .setStartTimeUnixNano(startNanos)
        .setEndTimeUnixNano(endNanos)
        .build();
  }

  @Test
  void tracesSpansAreBufferedUntilAFlushWritesThem() {
    try (ActorStore store = openRocksDb()) {
      ActorTraces traces = ActorTraces.open(store.actor("t"), TracesOptions.defaults().withFlushInterval(Duration.ZERO));
      long t0 = System.currentTimeMillis() * 1_000_000L;
      for (int i = 0; i < 3; i++) {
        traces.record(RESOURCE, SCOPE, span(i, t0 + i, t0 + i + 10));
      }
      Span open = span(10, t0, 0).toBuilder().clearEndTimeUnixNano().build();
      traces.start(RESOURCE, SCOPE, open);
      Collection<MetricData> data = collect();
      assertEquals(3, sum(data, "actorkv.traces.spans.buffered"), "a started span is not counted until it ends");
      traces.end(new SpanKey(open.getTraceId(), open.getSpanId()), t0 + 50);
      assertEquals(4, sum(collect(), "actorkv.traces.spans.buffered"));

      traces.flush();
      data = collect();
      assertEquals(0, sum(data, "actorkv.traces.spans.buffered"));
      assertEquals(4, sum(data, "actorkv.traces.spans.flushed"));
      assertEquals(4, traces.read(t0 - 1, t0 + 1_000, 100).spans().size());

      traces.record(RESOURCE, SCOPE, span(20, t0 + 60, t0 + 70));
      assertEquals(1, sum(collect(), "actorkv.traces.spans.buffered"));
      traces.close(); // writes what is buffered
      data = collect();
      assertEquals(0, sum(data, "actorkv.traces.spans.buffered"));
      assertEquals(5, sum(data, "actorkv.traces.spans.flushed"));
    }
  }

  @Test
  void sqliteCommitsAreOnePerWriteTransaction() {
    try (ActorStore store = openRocksDb()) {
      Attributes main = Attributes.of(AttributeKey.stringKey("actorkv.sqlite.file"), "main");
      try (SqliteDatabase db = SqliteDatabase.open(store.actor("s"))) {
        long before = sum(collect(), "actorkv.sqlite.commits", main);
        db.execute("CREATE TABLE t(x INTEGER)"); // 1
        for (int i = 0; i < 3; i++) {
          db.execute("INSERT INTO t VALUES (?)", i); // 2, 3, 4
        }
        db.begin();
        db.execute("INSERT INTO t VALUES (10)");
        db.execute("INSERT INTO t VALUES (11)");
        db.commit(); // 5
        db.query("SELECT count(*) FROM t"); // a read writes nothing
        assertEquals(5, sum(collect(), "actorkv.sqlite.commits", main) - before);
      }
    }
  }

  // ------------------------------------------------------------------ README's table

  /** Opens each manager on {@code actor} once, so that every instrument is made. */
  static void openEveryManager(ActorKeyspace actor) {
    ActorQueue.open(actor).close();
    WorkflowEngine.open(actor);
    ActorTraces.open(actor, TracesOptions.defaults().withFlushInterval(Duration.ZERO)).close();
    SqliteDatabase.open(actor).close();
  }

  /** The instruments {@code store} made, as README's rows: name, kind, unit, attributes. */
  static Set<String> made(ActorStore store) {
    return store.metrics().instruments().stream()
        .map(i -> String.join(" | ", i.name(), i.kind().label(), i.unit(), String.join(", ", i.attributes())))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** README's table of instruments, as "name | kind | unit | attributes"; without the PostgreSQL-only rows when asked. */
  static Set<String> readmeInstruments(boolean withoutPostgresOnly) {
    List<String> lines;
    try {
      lines = Files.readAllLines(Path.of(System.getProperty("user.dir"), "README.md"), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    Set<String> rows = new TreeSet<>();
    for (String line : lines) {
      if (!line.startsWith("| `actorkv.")) {
        continue;
      }
      List<String> cells = new ArrayList<>(Arrays.stream(line.split("\\|", -1)).map(String::trim).toList());
      // "", name, kind, unit, attributes, what, ""
      assertEquals(7, cells.size(), line);
      if (withoutPostgresOnly && cells.get(5).contains("(PostgreSQL only)")) {
        continue;
      }
      rows.add(String.join(" | ", strip(cells.get(1)), cells.get(2), strip(cells.get(3)), strip(cells.get(4))));
    }
    assertFalse(rows.isEmpty(), "README.md has no table of instruments");
    return rows;
  }

  private static String strip(String cell) {
    return cell.replace("`", "");
  }

  @Test
  void readmeTableListsExactlyTheInstrumentsAStoreMakes() {
    try (ActorStore store = openRocksDb()) {
      openEveryManager(store.actor("all"));
      assertEquals(readmeInstruments(true), made(store));
      // And what the SDK received has the names, units and kinds the store declared.
      Set<String> declared = store.metrics().instruments().stream().map(StoreMetrics.Instrument::name).collect(Collectors.toSet());
      for (MetricData m : collect()) {
        assertTrue(declared.contains(m.getName()), m.getName() + " reached the SDK but is not declared");
        StoreMetrics.Instrument i = store.metrics().instruments().stream().filter(x -> x.name().equals(m.getName())).findFirst().orElseThrow();
        assertEquals(i.unit(), m.getUnit(), m.getName());
        assertEquals("dev.actorkv", m.getInstrumentationScopeInfo().getName());
      }
    }
  }

  @Test
  void theDefaultNoOpProviderRecordsNothingAndTheStoreWorks() {
    fixture = StoreFixture.rocksDb();
    try (ActorStore store = fixture.open(StoreOptions.defaults())) {
      ActorKeyspace a = store.actor("a");
      a.put(ActorKeys.userKv(b("k")), b("v"));
      assertEquals(io.opentelemetry.api.metrics.MeterProvider.noop(), store.options().meterProvider());
      assertFalse(store.metrics().instruments().isEmpty());
      ActorQueue.open(a).enqueue("m", b("x"));
    }
    assertTrue(collect().isEmpty(), "the SDK of this test was not given to the store");
  }
}
