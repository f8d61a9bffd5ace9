package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.HOUR;
import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK path's deferred starts: a start is converted and written only when still needed — its chunk
 * seals with the span open, an update or event applies, or the span ends in a later bucket.
 */
class TracesDeferredStartTest {
  @TempDir Path dir;

  static final TracesOptions MANUAL = TracesOptions.defaults().withFlushInterval(Duration.ZERO);

  /** Counts how often the start state is asked for. */
  static final class CountingStart implements Supplier<Span> {
    final Span span;
    final AtomicInteger calls = new AtomicInteger();

    CountingStart(Span span) {
      this.span = span;
    }

    @Override
    public Span get() {
      calls.incrementAndGet();
      return span;
    }
  }

  static Span withoutIds(Span s) {
    return s.toBuilder().clearTraceId().clearSpanId().build();
  }

  /** Records of every chunk on disk, in key order, with the bucket each came from. */
  static List<SpanRecord> records(ActorKeyspace actor, long bucketStartNanos) {
    List<SpanRecord> out = new ArrayList<>();
    long bucket = Buckets.of(bucketStartNanos);
    for (KeyValue kv : actor.scan(TracesKeys.bucket(bucket), Integer.MAX_VALUE)) {
      TraceChunk c = ChunkCodec.decode(bucket, kv.value(), true);
      out.addAll(c.getRecordsList());
    }
    return out;
  }

  static long count(List<SpanRecord> records, SpanKey k, SpanRecord.BodyCase body) {
    return records.stream()
        .filter(r -> r.getTraceId().equals(k.traceId()) && r.getSpanId().equals(k.spanId()) && r.getBodyCase() == body)
        .count();
  }

  @Test
  void spanEndingInItsStartBucketIsStoredByItsEndAloneAndTheStartNeverConverted() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(1);
      Span started = TestSpans.started(1, T0 + 100);
      CountingStart start = new CountingStart(withoutIds(started));
      Span ended = TestSpans.completed(1, T0 + 100, T0 + 900);
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, start, null);
        assertEquals(1, traces.status().openSpans());
        assertEquals(0, traces.status().bufferedBytes(), "an unwritten start is not buffered");
        traces.end(k, RESOURCE, SCOPE, withoutIds(ended));
        assertEquals(0, traces.status().openSpans());
        traces.flush();
        assertEquals(0, start.calls.get(), "the start state was never needed");
        List<SpanRecord> rs = records(actor, T0);
        assertEquals(1, rs.size());
        assertEquals(SpanRecord.BodyCase.END, rs.get(0).getBodyCase());
        assertEquals(List.of(ended), traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
      }
      assertEquals(List.of(), TraceChunks.check(actor, MANUAL.maxChunkBytes()));
    }
  }

  @Test
  void spanEndingInALaterBucketHasItsStartWrittenInItsStartBucket() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(2);
      Span started = TestSpans.started(2, T0 + 100);
      Span ended = TestSpans.completed(2, T0 + 100, T0 + HOUR + 5);
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, () -> withoutIds(started), null);
        traces.end(k, RESOURCE, SCOPE, withoutIds(ended));
        traces.flush();
        assertEquals(1, count(records(actor, T0), k, SpanRecord.BodyCase.START));
        assertEquals(1, count(records(actor, T0 + HOUR), k, SpanRecord.BodyCase.END));
        // A read of the start's hour alone still finds the span (as it was within that hour's chunks).
        assertEquals(List.of(started), traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
        assertEquals(List.of(ended), traces.read(T0, T0 + 2 * HOUR, 10).spans().stream().map(StoredSpan::span).toList());
      }
      assertEquals(List.of(), TraceChunks.check(actor, MANUAL.maxChunkBytes()));
    }
  }

  @Test
  void spanOpenAtFlushIsWrittenWithItsStartAndLaterEndedOnce() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(3);
      Span started = TestSpans.started(3, T0 + 100);
      CountingStart start = new CountingStart(withoutIds(started));
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, start, null);
        traces.flush();
        assertEquals(1, start.calls.get());
        assertEquals(List.of(started), traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
        traces.end(k, T0 + 700);
        traces.flush();
        assertEquals(1, start.calls.get(), "the start state is converted once");
        List<SpanRecord> rs = records(actor, T0);
        assertEquals(1, count(rs, k, SpanRecord.BodyCase.START));
        assertEquals(1, count(rs, k, SpanRecord.BodyCase.END));
        assertEquals(List.of(started.toBuilder().setEndTimeUnixNano(T0 + 700).build()),
            traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
      }
      assertEquals(List.of(), TraceChunks.check(actor, MANUAL.maxChunkBytes()));
    }
  }

  @Test
  void updateAndEventOfADeferredSpanWriteItsStartFirst() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(4);
      Span started = TestSpans.started(4, T0 + 100);
      Span.Event ev = Span.Event.newBuilder().setName("e").setTimeUnixNano(T0 + 300).build();
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, () -> withoutIds(started), null);
        traces.setAttributes(k, T0 + 200, List.of(TestSpans.attr("late", "yes")));
        assertTrue(traces.status().bufferedBytes() > 0);
        traces.addEvent(k, ev);
        traces.flush();
        Span expected = started.toBuilder().addAttributes(TestSpans.attr("late", "yes")).addEvents(ev).build();
        assertEquals(List.of(expected), traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
        traces.end(k, T0 + 900);
        traces.flush();
        assertEquals(List.of(expected.toBuilder().setEndTimeUnixNano(T0 + 900).build()),
            traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
      }
      assertEquals(List.of(), TraceChunks.check(actor, MANUAL.maxChunkBytes()));
    }
  }

  /** A chunk sealed by size carries the start of every span still open in its bucket (the background write makes it readable). */
  @Test
  void chunkSealedBySizeCarriesTheStartsOfSpansStillOpen() throws Exception {
    TracesOptions small = MANUAL.withMaxChunkBytes(1500);
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(5);
      Span started = TestSpans.started(5, T0 + 100);
      try (ActorTraces traces = ActorTraces.open(actor, small)) {
        traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, () -> withoutIds(started), null);
        int n = 100;
        while (traces.status().pendingChunks() == 0 && traces.status().chunksWritten() == 0) {
          traces.record(RESOURCE, SCOPE, TestSpans.completed(n, T0 + n, T0 + n + 10));
          n++;
        }
        // Sealed by size, not by flush: the chunk written in the background holds the open span's start.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (traces.status().chunksWritten() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertTrue(traces.status().chunksWritten() > 0, "the sealed chunk was written in the background");
        assertEquals(1, count(records(actor, T0), k, SpanRecord.BodyCase.START));
        assertTrue(traces.read(T0, T0 + HOUR, 1000).spans().stream().anyMatch(s -> s.key().equals(k)));
      }
      for (KeyValue kv : actor.scan(TracesKeys.all(), Integer.MAX_VALUE)) {
        assertTrue(kv.value().length <= 1500);
      }
      assertEquals(List.of(), TraceChunks.check(actor, 1500));
    }
  }

  @Test
  void deferredStartRefusesASpanAlreadyOpenAndAClosedManager() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(6);
      Span started = withoutIds(TestSpans.started(6, T0 + 100));
      ActorTraces traces = ActorTraces.open(actor, MANUAL.withMaxOpenSpans(1));
      traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, () -> started, null);
      assertThrows(IllegalArgumentException.class, () -> traces.startDeferred(k, RESOURCE, SCOPE, T0 + 100, () -> started, null));
      assertThrows(TraceBufferFullException.class,
          () -> traces.startDeferred(TestSpans.key(7), RESOURCE, SCOPE, T0 + 100, () -> started, null));
      traces.close();
      assertThrows(IllegalStateException.class,
          () -> traces.startDeferred(TestSpans.key(8), RESOURCE, SCOPE, T0 + 100, () -> started, null));
      // Closing wrote the open span with its start.
      assertEquals(1, count(records(actor, T0), k, SpanRecord.BodyCase.START));
    }
  }
}
