package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.HOUR;
import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ActorTraces#read} (chunks scanned, spans parsed only when returned) against a plain reader of the
 * same chunks: every chunk decoded in full, every record folded into a span message, then filtered,
 * sorted and cut — across random span sets (finished, started and ended, with events and updates, left
 * open, spanning buckets), windows and limits.
 */
class TracesReadTest {
  enum Shape { RECORDED, STARTED_ENDED, WITH_CHANGES, OPEN }

  record SpanSpec(Shape shape, long startOffset, long duration) {}

  record Window(long from, long length, int limit) {}

  @Property(tries = 25)
  void readsAsThePlainReaderOfTheSameChunks(@ForAll("spans") List<SpanSpec> specs,
      @ForAll("windows") List<Window> windows) throws IOException {
    Path dir = Files.createTempDirectory("traces-read");
    TracesOptions opts = TracesOptions.defaults().withFlushInterval(Duration.ZERO).withMaxChunkBytes(2000);
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("r");
      try (ActorTraces traces = ActorTraces.open(actor, opts)) {
        // Records go in time order, as a live system writes them.
        record Op(long time, int span, int step) {}
        List<Op> ops = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
          SpanSpec s = specs.get(i);
          long start = T0 + s.startOffset();
          ops.add(new Op(start, i, 0));
          if (s.shape() == Shape.WITH_CHANGES) {
            ops.add(new Op(start + s.duration() / 3, i, 1));
            ops.add(new Op(start + s.duration() / 2, i, 2));
          }
          if (s.shape() == Shape.STARTED_ENDED || s.shape() == Shape.WITH_CHANGES) {
            ops.add(new Op(start + s.duration(), i, 3));
          }
        }
        ops.sort(Comparator.comparingLong(Op::time).thenComparingInt(Op::step));
        for (Op op : ops) {
          SpanSpec s = specs.get(op.span());
          SpanKey k = TestSpans.key(op.span());
          long start = T0 + s.startOffset();
          switch (op.step()) {
            case 0 -> {
              if (s.shape() == Shape.RECORDED) {
                traces.record(RESOURCE, SCOPE, TestSpans.completed(op.span(), start, start + s.duration()));
              } else {
                traces.start(RESOURCE, SCOPE, TestSpans.started(op.span(), start));
              }
            }
            case 1 -> traces.setAttributes(k, op.time(), List.of(TestSpans.attr("s", "changed")));
            case 2 -> traces.addEvent(k, Span.Event.newBuilder().setName("e").setTimeUnixNano(op.time()).build());
            default -> traces.end(k, op.time());
          }
          if (op.span() % 3 == 0) {
            traces.flush();
          }
        }
        traces.flush();
        for (Window w : windows) {
          long from = T0 - HOUR + w.from();
          long to = from + w.length();
          TraceRead got = traces.read(from, to, w.limit());
          TraceRead expected = plainRead(actor, from, to, w.limit());
          assertEquals(expected, got, "window [" + from + ", " + to + ") limit " + w.limit());
        }
      }
    } finally {
      try (var paths = Files.walk(dir)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The read as specified, written plainly: decode in full, fold into messages, filter, sort, cut. */
  private static TraceRead plainRead(ActorKeyspace actor, long from, long to, int limit) {
    long firstBucket = Buckets.of(from);
    long lastBucket = Buckets.of(to - 1);
    List<KeyValue> chunks = new ArrayList<>();
    KeyValue before = actor.first(KeyRange.of(TracesKeys.chunks().begin(), TracesKeys.chunk(firstBucket, 0)), true);
    if (before != null) {
      chunks.add(before);
    }
    chunks.addAll(actor.scan(TracesKeys.buckets(firstBucket, lastBucket + Buckets.SECONDS), Integer.MAX_VALUE));
    Map<SpanKey, StoredSpan> spans = new LinkedHashMap<>();
    for (KeyValue kv : chunks) {
      TraceChunk c = ChunkCodec.decode(TracesKeys.decodeChunk(kv.key()).bucketStartSec(), kv.value(), false);
      for (SpanRecord r : c.getRecordsList()) {
        SpanKey k = new SpanKey(r.getTraceId(), r.getSpanId());
        StoredSpan cur = spans.get(k);
        switch (r.getBodyCase()) {
          case START, SNAPSHOT -> {
            if (cur == null || !cur.ended()) {
              spans.put(k, whole(c, r.hasStart() ? r.getStart() : r.getSnapshot(), k));
            }
          }
          case END -> spans.put(k, whole(c, r.getEnd(), k));
          case UPDATE, EVENT -> {
            if (cur != null && !cur.ended()) { // an end already holds every change
              Span.Builder b = cur.span().toBuilder();
              if (r.hasUpdate()) {
                SpanStates.apply(b, r.getUpdate());
              } else {
                SpanStates.apply(b, r.getEvent());
              }
              spans.put(k, new StoredSpan(cur.resource(), cur.scope(), b.build()));
            }
          }
          case BODY_NOT_SET -> throw new AssertionError();
        }
      }
    }
    List<StoredSpan> hits = new ArrayList<>();
    for (StoredSpan s : spans.values()) {
      long start = s.span().getStartTimeUnixNano();
      long end = s.span().getEndTimeUnixNano();
      if (start < to && (end == 0 || end >= from)) {
        hits.add(s);
      }
    }
    hits.sort(ActorTraces.SPAN_ORDER);
    return new TraceRead(hits.subList(0, Math.min(limit, hits.size())), hits.size() > limit, chunks.size());
  }

  private static StoredSpan whole(TraceChunk c, SpanState st, SpanKey k) {
    return new StoredSpan(c.getResources(st.getResourceIndex()), c.getScopes(st.getScopeIndex()),
        st.getSpan().toBuilder().setTraceId(k.traceId()).setSpanId(k.spanId()).build());
  }

  @Provide
  Arbitrary<List<SpanSpec>> spans() {
    return Combinators.combine(Arbitraries.of(Shape.class), Arbitraries.longs().between(0, 3 * HOUR),
            Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.longs().between(0, 1_000_000)),
                net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(0, 2 * HOUR))))
        .as(SpanSpec::new).list().ofMaxSize(60);
  }

  @Provide
  Arbitrary<List<Window>> windows() {
    return Combinators.combine(Arbitraries.longs().between(0, 6 * HOUR), Arbitraries.longs().between(1, 3 * HOUR),
        Arbitraries.integers().between(1, 70)).as(Window::new).list().ofMinSize(1).ofMaxSize(8);
  }
}
