package dev.actorkv.bench;

import com.google.protobuf.ByteString;
import dev.actorkv.bench.peer.PeerTracesWorkload;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.SpanKey;
import dev.actorkv.traces.TraceRead;
import dev.actorkv.traces.TracesOptions;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.api.trace.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The peer workload's read: the first 10 000 of 50 000 spans (3 attributes and an event each, recorded
 * through the OpenTelemetry SDK, 50 chunks) by {@link ActorTraces#read}, against the generated-code way of
 * getting the same spans: parse every chunk into messages ({@code TraceChunk.parseFrom}, no validation),
 * fold every record into a span message, sort, keep 10 000 and put their ids back.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Benchmark)
public class TracesReadBench {
  static final int SPANS = 50_000;
  static final int LIMIT = 10_000;

  Path dir;
  ActorStore store;
  ActorKeyspace actor;
  ActorTraces traces;
  long from;
  long to;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    dir = Files.createTempDirectory("traces-read");
    store = ActorStore.open(dir);
    actor = store.actor("a");
    traces = ActorTraces.open(actor, TracesOptions.defaults().withFlushInterval(Duration.ZERO));
    from = (System.currentTimeMillis() - 1000) * 1_000_000L;
    PeerTracesWorkload.emit(traces, "bench", SPANS);
    to = (System.currentTimeMillis() + 1000) * 1_000_000L;
    if (readOurs().spans().size() != LIMIT || !parseEverythingWithGeneratedCode().equals(readOurs().spans().stream()
        .map(s -> s.span()).toList())) {
      throw new IllegalStateException("the two reads differ");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    traces.close();
    store.close();
    TracesBench.delete(dir);
  }

  /** Ours: chunks scanned and checked without building messages; only the 10 000 returned spans are parsed. */
  @Benchmark
  public TraceRead readOurs() {
    return traces.read(from, to, LIMIT);
  }

  /** Baseline: every chunk parsed into generated messages and every span folded as a message. */
  @Benchmark
  public List<io.opentelemetry.proto.trace.v1.Span> parseEverythingWithGeneratedCode() throws Exception {
    Map<SpanKey, io.opentelemetry.proto.trace.v1.Span> spans = new HashMap<>();
    for (KeyValue kv : actor.scan(TracesKeys.all(), Integer.MAX_VALUE)) {
      TraceChunk chunk = TraceChunk.parseFrom(kv.value());
      for (SpanRecord r : chunk.getRecordsList()) {
        SpanState st = r.hasEnd() ? r.getEnd() : r.hasStart() ? r.getStart() : r.getSnapshot();
        spans.put(new SpanKey(r.getTraceId(), r.getSpanId()), st.getSpan());
      }
    }
    List<Map.Entry<SpanKey, io.opentelemetry.proto.trace.v1.Span>> all = new ArrayList<>(spans.entrySet());
    all.sort(Comparator.comparing((Map.Entry<SpanKey, io.opentelemetry.proto.trace.v1.Span> e) ->
            e.getValue().getStartTimeUnixNano(), Long::compareUnsigned)
        .thenComparing(e -> e.getKey().traceId(), ByteString.unsignedLexicographicalComparator())
        .thenComparing(e -> e.getKey().spanId(), ByteString.unsignedLexicographicalComparator()));
    List<io.opentelemetry.proto.trace.v1.Span> out = new ArrayList<>(LIMIT);
    for (int i = 0; i < LIMIT && i < all.size(); i++) {
      var e = all.get(i);
      out.add(e.getValue().toBuilder().setTraceId(e.getKey().traceId()).setSpanId(e.getKey().spanId()).build());
    }
    return out;
  }
}
