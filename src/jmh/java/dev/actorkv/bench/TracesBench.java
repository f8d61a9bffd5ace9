package dev.actorkv.bench;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.TraceRead;
import dev.actorkv.traces.TracesOptions;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue.Builder;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Traces: span ingest (record + flush of 1000 typical spans) against a raw RocksDB write of the same
 * chunk bytes; a 1-hour range read over 24 hours of data against reading all 24 hours.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TracesBench {
  static final long HOUR = 3_600_000_000_000L;
  static final long T0 = 1_795_219_200L * 1_000_000_000L;
  static final int SPANS = 1000;
  static final Resource RESOURCE = Resource.newBuilder().addAttributes(attr("service.name", "bench")).build();
  static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("bench").setVersion("1").build();

  static io.opentelemetry.proto.common.v1.KeyValue attr(String k, String v) {
    return io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(k)
        .setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  /** A typical server span: 6 attributes, one event, a status. */
  static Span span(long n, long start) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5eedL).putLong(n / 8 + 1).array()))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n + 1).array()))
        .setParentSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n / 8 + 1_000_000).array()))
        .setName("GET /items/{id}")
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(start)
        .setEndTimeUnixNano(start + 1_500_000)
        .addAttributes(attr("http.method", "GET"))
        .addAttributes(attr("http.route", "/items/{id}"))
        .addAttributes(attr("http.status_code", "200"))
        .addAttributes(attr("user.id", "user-" + (n % 97)))
        .addAttributes(attr("actor.id", "actor-42"))
        .addAttributes(attr("net.peer.name", "10.0.0." + (n % 250)))
        .addEvents(Span.Event.newBuilder().setName("cache-miss").setTimeUnixNano(start + 100_000))
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
        .build();
  }

  static void delete(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @State(Scope.Thread)
  public static class Ingest {
    Path dir;
    Path rawDir;
    ActorStore store;
    ActorTraces traces;
    Span[] spans = new Span[SPANS];
    List<KeyValue> chunks;
    RocksDB raw;
    Options rawOptions;
    WriteOptions rawWrite;
    byte[] physicalPrefix = {0x02, 'a', 0x00};
    long round;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      dir = Files.createTempDirectory("traces-bench");
      store = ActorStore.open(dir);
      traces = ActorTraces.open(store.actor("a"), TracesOptions.defaults().withFlushInterval(Duration.ZERO));
      for (int i = 0; i < SPANS; i++) {
        spans[i] = span(i, T0 + i * 1_000_000L);
      }
      // The chunks one round writes, for the baseline.
      try (ActorStore probeStore = ActorStore.open(Files.createTempDirectory("traces-probe"));
          ActorTraces probe = ActorTraces.open(probeStore.actor("a"), TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
        for (Span s : spans) {
          probe.record(RESOURCE, SCOPE, s);
        }
        probe.flush();
        chunks = probeStore.actor("a").scan(TracesKeys.all(), Integer.MAX_VALUE);
      }
      long bytes = chunks.stream().mapToLong(kv -> kv.value().length).sum();
      System.out.println("\n[traces] one round of " + SPANS + " spans = " + chunks.size() + " chunks, " + bytes + " bytes");
      rawDir = Files.createTempDirectory("traces-raw");
      rawOptions = new Options().setCreateIfMissing(true);
      raw = RocksDB.open(rawOptions, rawDir.toString());
      rawWrite = new WriteOptions();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      traces.close();
      store.close();
      rawWrite.close();
      raw.close();
      rawOptions.close();
      delete(dir);
      delete(rawDir);
    }
  }

  /** Ours: 1000 finished spans recorded, encoded into chunks and written (one flush). Time per span. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public void ingestSpans(Ingest s) {
    for (Span span : s.spans) {
      s.traces.record(RESOURCE, SCOPE, span);
    }
    s.traces.flush();
  }

  /** Baseline: a raw RocksDB atomic write of the same chunk bytes (new keys each round). Time per span. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public void rawPutOfSameChunkBytes(Ingest s) throws Exception {
    long r = s.round++;
    try (WriteBatch wb = new WriteBatch()) {
      for (int i = 0; i < s.chunks.size(); i++) {
        byte[] k = TracesKeys.chunk(T0 / 1_000_000_000L, r * 1000 + i);
        byte[] physical = new byte[s.physicalPrefix.length + k.length];
        System.arraycopy(s.physicalPrefix, 0, physical, 0, s.physicalPrefix.length);
        System.arraycopy(k, 0, physical, s.physicalPrefix.length, k.length);
        wb.put(physical, s.chunks.get(i).value());
      }
      s.raw.write(s.rawWrite, wb);
    }
  }

  @State(Scope.Benchmark)
  public static class Day {
    Path dir;
    ActorStore store;
    ActorTraces traces;
    int chunksInHour;
    int totalChunks;

    @Setup(Level.Trial)
    public void setup() throws Exception {
      dir = Files.createTempDirectory("traces-day");
      store = ActorStore.open(dir);
      traces = ActorTraces.open(store.actor("a"), TracesOptions.defaults().withFlushInterval(Duration.ZERO));
      // 24 hours, 2000 spans an hour (one every 1.8 s), flushed every 5 s of span time as the timer would.
      long n = 0;
      long lastFlush = T0;
      for (long t = T0; t < T0 + 24 * HOUR; t += 1_800_000_000L) {
        traces.record(RESOURCE, SCOPE, span(n++, t));
        if (t - lastFlush >= 5_000_000_000L * 60) { // a minute of spans per flush keeps setup short
          traces.flush();
          lastFlush = t;
        }
      }
      traces.flush();
      ActorKeyspace actor = store.actor("a");
      totalChunks = actor.scan(TracesKeys.all(), Integer.MAX_VALUE).size();
      chunksInHour = actor.scan(TracesKeys.bucket((T0 + 12 * HOUR) / 1_000_000_000L), Integer.MAX_VALUE).size();
      TraceRead r = traces.read(T0 + 12 * HOUR, T0 + 13 * HOUR, 100_000);
      System.out.println("\n[traces] 24 h: " + n + " spans in " + totalChunks + " chunks; hour 12 holds "
          + chunksInHour + " chunks; the 1-hour read touched " + r.chunksRead() + " chunks and returned "
          + r.spans().size() + " spans");
      if (r.chunksRead() > chunksInHour + 1) {
        throw new IllegalStateException("hour read touched chunks outside the hour");
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
      traces.close();
      store.close();
      delete(dir);
    }
  }

  /** Ours: spans of [12:00, 13:00) out of 24 hours, reading only that hour's chunks (and the one before). */
  @Benchmark
  public TraceRead readOneHourOf24(Day d) {
    return d.traces.read(T0 + 12 * HOUR, T0 + 13 * HOUR, 100_000);
  }

  /** Baseline: the same spans found by reading all 24 hours and keeping the hour's (no bucket index). */
  @Benchmark
  public long readAll24HoursAndFilter(Day d) {
    long from = T0 + 12 * HOUR;
    long to = T0 + 13 * HOUR;
    return d.traces.read(T0, T0 + 24 * HOUR, 1_000_000).spans().stream()
        .filter(s -> s.span().getStartTimeUnixNano() < to && s.span().getEndTimeUnixNano() >= from).count();
  }
}
