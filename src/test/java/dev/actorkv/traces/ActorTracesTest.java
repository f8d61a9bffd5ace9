package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.HOUR;
import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static dev.actorkv.traces.TestSpans.attr;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import dev.actorkv.testing.StoreFixture;

class ActorTracesTest {
  StoreFixture fixture;

  /** The engine under test; {@link PostgresActorTracesTest} runs the same tests on PostgreSQL. */
  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @org.junit.jupiter.api.BeforeEach
  void openFixture() {
    fixture = newFixture();
  }

  @org.junit.jupiter.api.AfterEach
  void closeFixture() {
    fixture.close();
  }

  static final TracesOptions MANUAL = TracesOptions.defaults().withFlushInterval(Duration.ZERO);

  static List<KeyValue> chunks(ActorKeyspace actor) {
    return actor.scan(TracesKeys.all(), Integer.MAX_VALUE);
  }

  static InstantSource at(long nanos) {
    return InstantSource.fixed(Instant.ofEpochSecond(0, nanos));
  }

  /** The SDK path hands spans without ids, the key apart: a span that still carries ids is refused, nothing buffered. */
  @Test
  void idLessEntryPointsRefuseSpansWithIdsAndKeepTheKeysIds() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      SpanKey k = TestSpans.key(3);
      Span withIds = TestSpans.started(3, T0 + 100);
      Span stripped = withIds.toBuilder().clearTraceId().clearSpanId().build();
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        assertThrows(IllegalArgumentException.class, () -> traces.start(k, RESOURCE, SCOPE, withIds, null));
        assertEquals(0, traces.status().bufferedBytes());
        assertEquals(0, traces.status().openSpans());
        traces.start(k, RESOURCE, SCOPE, stripped, null);
        Span ended = stripped.toBuilder().setEndTimeUnixNano(T0 + 900).build();
        assertThrows(IllegalArgumentException.class,
            () -> traces.end(k, RESOURCE, SCOPE, withIds.toBuilder().setEndTimeUnixNano(T0 + 900).build()));
        assertEquals(1, traces.status().openSpans());
        traces.end(k, RESOURCE, SCOPE, ended);
        traces.flush();
        List<StoredSpan> read = traces.read(T0, T0 + HOUR, 10).spans();
        assertEquals(1, read.size());
        assertEquals(withIds.toBuilder().setEndTimeUnixNano(T0 + 900).build(), read.get(0).span());
      }
    }
  }

  @Test
  void roundTripOfEveryFieldKind() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      Span expected;
      Span completed = TestSpans.completed(7, T0 + 1000, T0 + 5000);
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        Span start = TestSpans.started(1, T0 + 100);
        SpanKey k = TestSpans.key(1);
        traces.start(RESOURCE, SCOPE, start);
        traces.setAttributes(k, T0 + 200, List.of(attr("s", "replaced"), attr("new", 42L)));
        traces.setStatus(k, T0 + 300, Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK).build());
        traces.rename(k, T0 + 350, "renamed");
        Span.Link link = Span.Link.newBuilder().setTraceId(TestSpans.traceId(5)).setSpanId(TestSpans.spanId(5)).build();
        traces.addLinks(k, T0 + 360, List.of(link));
        Span.Event ev = Span.Event.newBuilder().setName("tick").setTimeUnixNano(T0 + 400).addAttributes(attr("n", 1L)).build();
        traces.addEvent(k, ev);
        traces.flush(); // the start and updates in one chunk, the end in another
        traces.end(k, T0 + 900);
        traces.record(RESOURCE, SCOPE, completed);

        List<io.opentelemetry.proto.common.v1.KeyValue> attrs = new ArrayList<>(start.getAttributesList());
        attrs.set(0, attr("s", "replaced"));
        attrs.add(attr("new", 42L));
        expected = start.toBuilder().clearAttributes().addAllAttributes(attrs)
            .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_OK))
            .setName("renamed").addLinks(link).addEvents(ev).setEndTimeUnixNano(T0 + 900).build();
      }
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        TraceRead read = traces.read(T0, T0 + HOUR, 100);
        assertEquals(2, read.spans().size());
        assertEquals(expected, read.spans().get(0).span());
        assertEquals(RESOURCE, read.spans().get(0).resource());
        assertEquals(SCOPE, read.spans().get(0).scope());
        assertEquals(completed, read.spans().get(1).span());
        assertTrue(read.spans().get(1).ended());
        assertFalse(read.truncated());
        // While open, the span reads as open with the state known then.
        TraceRead limited = traces.read(T0, T0 + 150, 1);
        assertEquals(1, limited.spans().size());
      }
      for (KeyValue kv : chunks(actor)) {
        TraceChunks.decode(TracesKeys.decodeChunk(kv.key()), kv.value()); // strict, canonical
      }
      assertEquals(List.of(), TraceChunks.check(actor, TracesOptions.DEFAULT_MAX_CHUNK_BYTES));
    }
  }

  @Test
  void spanStartedAndEndedInOneFlushIsStoredOnce() {
    try (ActorStore store = fixture.open();
        ActorTraces traces = ActorTraces.open(store.actor("a"), MANUAL)) {
      traces.start(RESOURCE, SCOPE, TestSpans.started(1, T0 + 10));
      traces.end(TestSpans.key(1), T0 + 20);
      traces.flush();
      var chunk = TraceChunks.decode(TracesKeys.decodeChunk(chunks(store.actor("a")).getFirst().key()),
          chunks(store.actor("a")).getFirst().value());
      assertEquals(1, chunk.getRecordsCount());
      assertTrue(chunk.getRecords(0).hasEnd());
      assertEquals(0, traces.status().openSpans());
    }
  }

  /**
   * An end does not take its start's place in a chunk that holds changes of the span after the start: the
   * read folds records in chunk order, so the changes would apply a second time on top of the end's final
   * state (found by TracesModelTest: an event read twice).
   */
  @Test
  void endAfterChangesInTheStartsChunkIsNotFoldedTwice() {
    for (boolean deferred : new boolean[] {false, true}) {
      fixture.reset();
      try (ActorStore store = fixture.open()) {
        Span start = TestSpans.started(1, T0 + 10);
        SpanKey k = TestSpans.key(1);
        Span.Event ev = Span.Event.newBuilder().setName("tick").setTimeUnixNano(T0 + 12).build();
        try (ActorTraces traces = ActorTraces.open(store.actor("a"), MANUAL)) {
          if (deferred) {
            traces.startDeferred(k, RESOURCE, SCOPE, T0 + 10, () -> start.toBuilder().clearTraceId().clearSpanId().build(), null);
          } else {
            traces.start(RESOURCE, SCOPE, start);
          }
          traces.addEvent(k, ev);
          traces.setAttributes(k, T0 + 13, List.of(attr("new", 1L)));
          traces.end(k, T0 + 20);
          traces.flush();
          Span expected = start.toBuilder().addEvents(ev).addAttributes(attr("new", 1L)).setEndTimeUnixNano(T0 + 20).build();
          assertEquals(List.of(expected), traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
        }
      }
    }
  }

  /** Chunks written before that fix hold [end, change]: the read does not apply the change a second time. */
  @Test
  void changeFoldedAfterTheEndIsAlreadyInIt() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      Span.Event ev = Span.Event.newBuilder().setName("tick").setTimeUnixNano(T0 + 12).build();
      Span ended = TestSpans.started(1, T0 + 10).toBuilder().addEvents(ev).setEndTimeUnixNano(T0 + 20).build();
      SpanKey k = TestSpans.key(1);
      ChunkBuilder b = new ChunkBuilder(Buckets.of(T0), 1 << 16);
      assertTrue(b.add(new Entry(k, T0 + 20, new Entry.State(Entry.StateKind.END, RESOURCE, SCOPE,
          ended.toBuilder().clearTraceId().clearSpanId().build()))));
      assertTrue(b.add(new Entry(k, T0 + 12, new Entry.Event(ev))));
      actor.commit(actor.batch().put(TracesKeys.chunk(Buckets.of(T0), 0), b.encode()));
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        assertEquals(List.of(ended), traces.read(T0, T0 + HOUR, 10).spans().stream().map(StoredSpan::span).toList());
      }
    }
  }

  @Test
  void spansAcrossChunksAndBuckets() {
    TracesOptions small = MANUAL.withMaxChunkBytes(2048);
    Map<SpanKey, Span> expected = new HashMap<>();
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      try (ActorTraces traces = ActorTraces.open(actor, small)) {
        for (int i = 0; i < 300; i++) {
          long start = T0 + i * (3 * HOUR / 300);
          Span s = TestSpans.completed(i, start, start + HOUR / 7);
          traces.record(RESOURCE, SCOPE, s);
          expected.put(TestSpans.key(i), s);
        }
      }
      List<KeyValue> all = chunks(actor);
      assertTrue(all.size() > 10, "many chunks: " + all.size());
      long buckets = all.stream().map(kv -> TracesKeys.decodeChunk(kv.key()).bucketStartSec()).distinct().count();
      assertEquals(4, buckets); // ends reach into the fourth hour
      for (KeyValue kv : all) {
        assertTrue(kv.value().length <= 2048);
      }
      try (ActorTraces traces = ActorTraces.open(actor, small)) {
        TraceRead read = traces.read(T0, T0 + 4 * HOUR, 10_000);
        assertEquals(300, read.spans().size());
        for (StoredSpan s : read.spans()) {
          assertEquals(expected.get(s.key()), s.span());
        }
        // Window [T0+1h, T0+2h): spans that end in it or later and start before its end.
        TraceRead hour = traces.read(T0 + HOUR, T0 + 2 * HOUR, 10_000);
        long want = expected.values().stream().filter(s -> s.getStartTimeUnixNano() < T0 + 2 * HOUR
            && s.getEndTimeUnixNano() >= T0 + HOUR).count();
        // Exported spans live in the bucket of their end; those ending later than the window are missed.
        long inBuckets = expected.values().stream().filter(s -> s.getEndTimeUnixNano() >= T0 + HOUR
            && s.getEndTimeUnixNano() < T0 + 2 * HOUR).count();
        assertTrue(hour.spans().size() >= inBuckets && hour.spans().size() <= want);
        TraceRead limited = traces.read(T0, T0 + 4 * HOUR, 10);
        assertEquals(10, limited.spans().size());
        assertTrue(limited.truncated());
        assertEquals(read.spans().subList(0, 10), limited.spans());
      }
    }
  }

  @Test
  void restartInTheSameBucketNeverOverwrites() {
    Map<String, byte[]> seen = new HashMap<>();
    for (int run = 0; run < 5; run++) {
      try (ActorStore store = fixture.open()) {
        ActorKeyspace actor = store.actor("a");
        try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
          for (int i = 0; i < 3; i++) {
            long t = T0 + 1000 + run * 100 + i;
            traces.record(RESOURCE, SCOPE, TestSpans.completed(run * 10 + i, t, t + 1));
            traces.flush();
          }
        }
        List<KeyValue> now = chunks(actor);
        for (KeyValue kv : now) {
          String k = SpanKey.hex().encode(kv.key());
          byte[] before = seen.putIfAbsent(k, kv.value());
          if (before != null) {
            assertArrayEquals(before, kv.value(), "chunk " + k + " was overwritten in run " + run);
          }
        }
        assertEquals(3 * (run + 1), now.size());
        for (int j = 0; j < now.size(); j++) {
          KeyDescription.TracesChunk k = TracesKeys.decodeChunk(now.get(j).key());
          assertEquals(T0 / 1_000_000_000L, k.bucketStartSec());
          assertEquals(j, k.chunkId());
        }
        try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
          assertEquals(3 * (run + 1), traces.read(T0, T0 + HOUR, 1000).spans().size());
        }
      }
    }
  }

  @Test
  void oversizedRecordIsATypedErrorAndWritesNothing() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      long storage = actor.storageBytes();
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        Span huge = TestSpans.completed(1, T0, T0 + 1).toBuilder()
            .addAttributes(attr("blob", "x".repeat(70_000))).build();
        RecordTooLargeException e = assertThrows(RecordTooLargeException.class,
            () -> traces.record(RESOURCE, SCOPE, huge));
        assertTrue(e.recordBytes() > e.maxChunkBytes());
        assertEquals(TracesOptions.DEFAULT_MAX_CHUNK_BYTES, e.maxChunkBytes());
        Span hugeStart = TestSpans.started(2, T0).toBuilder().addAttributes(attr("blob", "x".repeat(70_000))).build();
        assertThrows(RecordTooLargeException.class, () -> traces.start(RESOURCE, SCOPE, hugeStart));
        assertEquals(0, traces.status().bufferedBytes());
        assertEquals(0, traces.status().openSpans());
        traces.flush();
      }
      assertEquals(List.of(), chunks(actor));
      assertEquals(storage, actor.storageBytes());
    }
  }

  @Test
  void hugeAttributesNeverMakeAChunkExceedTheLimit() {
    int max = TracesOptions.DEFAULT_MAX_CHUNK_BYTES;
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        for (int i = 0; i < 40; i++) {
          // Between 20 KiB and ~63 KiB: at most a few fit in one chunk, some alone.
          String blob = "y".repeat(20_000 + (i * 7919) % 44_000);
          Span s = TestSpans.started(i, T0 + i).toBuilder().clearLinks().clearAttributes()
              .addAttributes(attr("blob", blob)).build();
          traces.start(RESOURCE, SCOPE, s);
          // Growing the span past one chunk is fine: its end state is cut to fit.
          traces.setAttributes(TestSpans.key(i), T0 + i, List.of(attr("blob2", blob)));
          traces.end(TestSpans.key(i), T0 + i + 1);
        }
      }
      List<KeyValue> all = chunks(actor);
      assertTrue(all.size() >= 20);
      for (KeyValue kv : all) {
        assertTrue(kv.value().length <= max, "chunk of " + kv.value().length);
      }
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        List<StoredSpan> spans = traces.read(T0, T0 + HOUR, 1000).spans();
        assertEquals(40, spans.size());
        for (StoredSpan s : spans) {
          assertTrue(s.ended());
          // Cut to fit: the state kept one attribute and counted the other as dropped (1 dropped at start).
          assertEquals(s.span().getAttributesCount() == 2 ? 1 : 2, s.span().getDroppedAttributesCount());
        }
      }
    }
  }

  @Test
  void retentionDropsWholeOldBuckets() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      TracesOptions opts = MANUAL.withClock(at(T0 + 5 * HOUR + 10 * 60_000_000_000L));
      try (ActorTraces traces = ActorTraces.open(actor, opts)) {
        for (int h = 0; h < 5; h++) {
          for (int i = 0; i < 3; i++) {
            long t = T0 + h * HOUR + i * 1000;
            traces.record(RESOURCE, SCOPE, TestSpans.completed(h * 10 + i, t, t + 10));
          }
          traces.flush();
        }
        long storage = actor.storageBytes();
        assertTrue(traces.dropOlderThan(Duration.ofHours(2)));
        assertFalse(traces.dropOlderThan(Duration.ofHours(2)));
        List<Long> left = chunks(actor).stream().map(kv -> TracesKeys.decodeChunk(kv.key()).bucketStartSec())
            .distinct().toList();
        long s0 = T0 / 1_000_000_000L;
        assertEquals(List.of(s0 + 3 * 3600, s0 + 4 * 3600), left);
        assertTrue(actor.storageBytes() < storage);
        assertEquals(actor.scanStorageBytes(), actor.storageBytes());
        assertEquals(0, traces.read(T0, T0 + 3 * HOUR, 100).spans().size());
        assertEquals(6, traces.read(T0, T0 + 5 * HOUR, 100).spans().size());
      }
    }
  }

  @Test
  void backgroundRetentionRunsOnTheTimer() throws Exception {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.record(RESOURCE, SCOPE, TestSpans.completed(1, T0, T0 + 1));
        traces.record(RESOURCE, SCOPE, TestSpans.completed(2, T0 + 3 * HOUR, T0 + 3 * HOUR + 1));
      }
      TracesOptions opts = TracesOptions.defaults().withFlushInterval(Duration.ofMillis(20))
          .withClock(at(T0 + 3 * HOUR + 5)).withRetention(Duration.ofHours(1));
      try (ActorTraces traces = ActorTraces.open(actor, opts)) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (chunks(actor).size() != 1 && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertEquals(1, chunks(actor).size());
        assertEquals(1, traces.read(T0, T0 + 4 * HOUR, 10).spans().size());
      }
    }
  }

  @Test
  void failedWriteIsSurfacedAndRetriedWithoutPoisoningLaterWrites() {
    FailingFaults faults = new FailingFaults();
    List<RuntimeException> reported = new CopyOnWriteArrayList<>();
    List<Integer> written = new CopyOnWriteArrayList<>();
    TracesListener listener = new TracesListener() {
      @Override
      public void written(int chunks, long bytes) {
        written.add(chunks);
      }

      @Override
      public void flushFailed(RuntimeException error) {
        reported.add(error);
      }
    };
    try (ActorStore store = fixture.open(StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL.withListener(listener))) {
        traces.record(RESOURCE, SCOPE, TestSpans.completed(1, T0, T0 + 1));
        faults.failWriteAfter(0);
        RuntimeException e = assertThrows(FailingFaults.InjectedFault.class, traces::flush);
        assertEquals(List.of(e), reported);
        assertEquals(e, traces.status().lastError());
        assertEquals(1, traces.status().pendingChunks());
        assertEquals(1, traces.status().failedFlushes());
        assertEquals(List.of(), chunks(actor));
        // Later records are accepted and written together with the retried chunk.
        traces.record(RESOURCE, SCOPE, TestSpans.completed(2, T0 + 5, T0 + 6));
        traces.flush();
        assertNull(traces.status().lastError());
        assertEquals(0, traces.status().pendingChunks());
        assertEquals(0, traces.status().bufferedBytes());
        assertEquals(List.of(2), written);
        // The failed chunk kept id 0: a failed commit wrote nothing.
        List<KeyValue> all = chunks(actor);
        assertEquals(2, all.size());
        assertEquals(0, TracesKeys.decodeChunk(all.get(0).key()).chunkId());
        assertEquals(1, TracesKeys.decodeChunk(all.get(1).key()).chunkId());
        assertEquals(2, traces.read(T0, T0 + HOUR, 10).spans().size());
        // A failing close surfaces the error; the data stays buffered and a later flush writes it.
        traces.record(RESOURCE, SCOPE, TestSpans.completed(3, T0 + 7, T0 + 8));
        faults.failWriteAfter(0);
        assertThrows(FailingFaults.InjectedFault.class, traces::close);
        assertThrows(IllegalStateException.class,
            () -> traces.record(RESOURCE, SCOPE, TestSpans.completed(4, T0 + 9, T0 + 10)));
        traces.flush();
        assertEquals(3, traces.read(T0, T0 + HOUR, 10).spans().size());
      }
    }
  }

  @Test
  void failedChunkIdRecoveryReadIsSurfacedToo() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = fixture.open(StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.record(RESOURCE, SCOPE, TestSpans.completed(1, T0 + 2 * HOUR, T0 + 2 * HOUR + 1));
        faults.failReadAfter(0);
        assertThrows(FailingFaults.InjectedFault.class, traces::flush);
        traces.flush();
        assertEquals(1, chunks(actor).size());
      }
    }
  }

  @Test
  void bufferFullWhileWritesFailRefusesNewRecords() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = fixture.open(StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      TracesOptions opts = MANUAL.withMaxChunkBytes(4096).withMaxBufferedBytes(8192);
      ActorTraces traces = ActorTraces.open(actor, opts);
      faults.failWriteAfter(0);
      int accepted = 0;
      TraceBufferFullException full = null;
      for (int i = 0; i < 1000 && full == null; i++) {
        try {
          traces.record(RESOURCE, SCOPE, TestSpans.completed(i, T0 + i, T0 + i + 1));
          accepted++;
        } catch (TraceBufferFullException e) {
          full = e;
        }
        try {
          traces.flush();
        } catch (FailingFaults.InjectedFault e) {
          faults.failWriteAfter(0);
        }
      }
      assertNotNull(full);
      assertTrue(traces.status().bufferedBytes() <= 8192);
      faults.disarm();
      traces.close();
      assertEquals(accepted, traces.read(T0, T0 + HOUR, 10_000).spans().size());
    }
  }

  @Test
  void longOpenSpanIsReadableFromLaterBucketsAlone() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      SpanKey longKey = TestSpans.key(1000);
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        traces.start(RESOURCE, SCOPE, TestSpans.started(1000, T0 + 600));
        for (int h = 0; h < 6; h++) {
          traces.addEvent(longKey, Span.Event.newBuilder().setName("h" + h).setTimeUnixNano(T0 + h * HOUR + 700).build());
          for (int i = 0; i < 5; i++) {
            long t = T0 + h * HOUR + 1000 + i;
            traces.record(RESOURCE, SCOPE, TestSpans.completed(h * 10 + i, t, t + 1));
          }
          traces.flush();
        }
        traces.end(longKey, T0 + 5 * HOUR + 2000);
      }
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        int inBucket4 = actor.scan(TracesKeys.bucket(T0 / 1_000_000_000L + 4 * 3600), 1000).size();
        long before = traces.chunksRead();
        TraceRead read = traces.read(T0 + 4 * HOUR + 500_000, T0 + 4 * HOUR + 900_000, 100);
        assertEquals(inBucket4 + 1, read.chunksRead()); // the bucket's chunks and the chunk before
        assertEquals(inBucket4 + 1, traces.chunksRead() - before);
        StoredSpan open = read.spans().stream().filter(s -> s.key().equals(longKey)).findFirst().orElseThrow();
        assertFalse(open.ended());
        assertEquals(5, open.span().getEventsCount()); // h0..h4 as of the end of bucket 4
        assertEquals(T0 + 600, open.span().getStartTimeUnixNano());
        TraceRead last = traces.read(T0 + 5 * HOUR, T0 + 6 * HOUR, 100);
        StoredSpan ended = last.spans().stream().filter(s -> s.key().equals(longKey)).findFirst().orElseThrow();
        assertTrue(ended.ended());
        assertEquals(6, ended.span().getEventsCount());
        // Not in a window after its end.
        assertTrue(traces.read(T0 + 5 * HOUR + 3000, T0 + 6 * HOUR, 100).spans().stream()
            .noneMatch(s -> s.key().equals(longKey)));
      }
      assertEquals(List.of(), TraceChunks.check(actor, TracesOptions.DEFAULT_MAX_CHUNK_BYTES));
    }
  }

  @Test
  void timerWritesSnapshotsWhenTheClockEntersANewBucket() throws Exception {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(T0 + 100);
      InstantSource clock = () -> Instant.ofEpochSecond(0, now.get());
      TracesOptions opts = TracesOptions.defaults().withFlushInterval(Duration.ofMillis(20)).withClock(clock);
      try (ActorTraces traces = ActorTraces.open(actor, opts)) {
        traces.start(RESOURCE, SCOPE, TestSpans.started(1, T0 + 100));
        now.set(T0 + 2 * HOUR + 5);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (actor.scan(TracesKeys.bucket(T0 / 1_000_000_000L + 2 * 3600), 10).isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        TraceRead read = traces.read(T0 + 2 * HOUR + 10, T0 + 2 * HOUR + 20, 10);
        assertEquals(1, read.spans().size());
        assertEquals(2, read.chunksRead()); // the snapshot chunk of hour 2 and the chunk before
      }
    }
  }

  @Test
  void snapshotOfALiveSpanThatEndsMeanwhileCarriesNoEndTime() throws Exception {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(T0 + 100);
      InstantSource clock = () -> Instant.ofEpochSecond(0, now.get());
      TracesOptions opts = TracesOptions.defaults().withFlushInterval(Duration.ofMillis(20)).withClock(clock);
      io.opentelemetry.proto.trace.v1.Span started = TestSpans.started(1, T0 + 100);
      // The SDK span ended just as the snapshot read its state: the live view already has an end time.
      io.opentelemetry.proto.trace.v1.Span endedMeanwhile = started.toBuilder()
          .clearTraceId().clearSpanId().setEndTimeUnixNano(T0 + 2 * HOUR + 4).build();
      try (ActorTraces traces = ActorTraces.open(actor, opts)) {
        traces.start(RESOURCE, SCOPE, started, () -> endedMeanwhile);
        now.set(T0 + 2 * HOUR + 5);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (actor.scan(TracesKeys.bucket(T0 / 1_000_000_000L + 2 * 3600), 10).isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        TraceRead read = traces.read(T0 + 2 * HOUR + 10, T0 + 2 * HOUR + 20, 10);
        assertEquals(1, read.spans().size());
        assertFalse(read.spans().get(0).ended());
      }
      assertEquals(List.of(), TraceChunks.check(actor, TracesOptions.DEFAULT_MAX_CHUNK_BYTES));
    }
  }

  @Test
  void closeWritesEverythingAndRefusesMore() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      ActorTraces traces = ActorTraces.open(actor, TracesOptions.defaults());
      traces.start(RESOURCE, SCOPE, TestSpans.started(1, T0 + 1));
      traces.record(RESOURCE, SCOPE, TestSpans.completed(2, T0 + 2, T0 + 3));
      traces.close();
      traces.close();
      assertThrows(IllegalStateException.class, () -> traces.start(RESOURCE, SCOPE, TestSpans.started(3, T0 + 1)));
      try (ActorTraces again = ActorTraces.open(actor, MANUAL)) {
        assertEquals(2, again.read(T0, T0 + HOUR, 10).spans().size());
      }
    }
  }

  @Test
  void badInputIsRefusedAndBuffersNothing() {
    try (ActorStore store = fixture.open();
        ActorTraces traces = ActorTraces.open(store.actor("a"), MANUAL)) {
      SpanKey k = TestSpans.key(1);
      assertThrows(IllegalArgumentException.class, () -> traces.setStatus(k, T0, Status.getDefaultInstance()));
      assertThrows(IllegalArgumentException.class, () -> traces.end(k, T0));
      assertThrows(IllegalArgumentException.class, () -> traces.start(RESOURCE, SCOPE,
          TestSpans.started(1, T0).toBuilder().setSpanId(ByteString.copyFrom(new byte[8])).build()));
      assertThrows(IllegalArgumentException.class, () -> traces.start(RESOURCE, SCOPE,
          TestSpans.started(1, T0).toBuilder().setTraceId(ByteString.copyFrom(new byte[3])).build()));
      assertThrows(IllegalArgumentException.class, () -> traces.record(RESOURCE, SCOPE, TestSpans.started(1, T0)));
      assertThrows(IllegalArgumentException.class, () -> traces.record(RESOURCE, SCOPE,
          TestSpans.completed(1, T0 + 10, T0 + 5)));
      traces.start(RESOURCE, SCOPE, TestSpans.started(1, T0 + 10));
      assertThrows(IllegalArgumentException.class, () -> traces.start(RESOURCE, SCOPE, TestSpans.started(1, T0 + 10)));
      assertThrows(IllegalArgumentException.class, () -> traces.end(k, T0 + 5));
      assertThrows(IllegalArgumentException.class, () -> traces.read(5, 5, 1));
      assertThrows(IllegalArgumentException.class, () -> traces.read(0, 5, 0));
      assertEquals(1, traces.status().openSpans());
    }
  }

  @Test
  void aSecondWriterOnTheSameActorNeverOverwritesTheFirst() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("a");
      try (ActorTraces earlier = ActorTraces.open(actor, MANUAL)) {
        earlier.record(RESOURCE, SCOPE, TestSpans.completed(0, T0, T0 + 1));
      }
      Map<String, byte[]> seen = new HashMap<>();
      try (ActorTraces first = ActorTraces.open(actor, MANUAL);
          ActorTraces second = ActorTraces.open(actor, MANUAL)) {
        // Both recovered "next id 1" at open.
        first.record(RESOURCE, SCOPE, TestSpans.completed(1, T0, T0 + 1));
        second.record(RESOURCE, SCOPE, TestSpans.completed(2, T0, T0 + 1));
        first.flush();
        chunks(actor).forEach(kv -> seen.put(SpanKey.hex().encode(kv.key()), kv.value()));
        second.flush();
        chunks(actor).forEach(kv -> seen.putIfAbsent(SpanKey.hex().encode(kv.key()), kv.value()));
        first.record(RESOURCE, SCOPE, TestSpans.completed(3, T0, T0 + 1));
        first.flush();
      }
      List<KeyValue> all = chunks(actor);
      assertEquals(4, all.size());
      for (KeyValue kv : all) {
        byte[] before = seen.get(SpanKey.hex().encode(kv.key()));
        if (before != null) {
          assertArrayEquals(before, kv.value());
        }
      }
      try (ActorTraces traces = ActorTraces.open(actor, MANUAL)) {
        assertEquals(4, traces.read(T0, T0 + HOUR, 10).spans().size());
      }
    }
  }

  @Test
  void chunkLargerThanTheStoreValueLimitIsRefusedAtOpen() {
    try (ActorStore store = fixture.open()) {
      assertThrows(IllegalArgumentException.class,
          () -> ActorTraces.open(store.actor("a"), MANUAL.withMaxChunkBytes(200 * 1024)));
    }
  }
}
