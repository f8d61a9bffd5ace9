package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.SpanUpdate;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The chunk builder's size accounting is exact, and a chunk never exceeds its maximum. */
class ChunkBuilderTest {
  record Spec(int span, int kind, int attrBytes, int resource) {}

  static Entry entry(Spec s) {
    SpanKey k = TestSpans.key(s.span());
    long t = T0 + s.span();
    Resource resource = s.resource() == 0 ? RESOURCE
        : Resource.newBuilder().addAttributes(TestSpans.attr("r", "x".repeat(s.resource() * 50))).build();
    InstrumentationScope scope = s.resource() % 2 == 0 ? SCOPE : InstrumentationScope.newBuilder().setName("s" + s.resource()).build();
    String blob = "b".repeat(s.attrBytes());
    return switch (s.kind()) {
      case 0 -> new Entry(k, t, new Entry.State(Entry.StateKind.START, resource, scope,
          TestSpans.started(s.span(), t).toBuilder().clearTraceId().clearSpanId().addAttributes(TestSpans.attr("blob", blob)).build()));
      case 1 -> new Entry(k, t + 5, new Entry.State(Entry.StateKind.END, resource, scope,
          TestSpans.completed(s.span(), t, t + 5).toBuilder().clearTraceId().clearSpanId()
              .addAttributes(TestSpans.attr("blob", blob)).build()));
      case 4 -> { // an end given as its serialization, as the SDK path hands it
        Span span = TestSpans.completed(s.span(), t, t + 5).toBuilder().clearTraceId().clearSpanId()
            .addAttributes(TestSpans.attr("blob", blob)).build();
        yield new Entry(k, t + 5, Entry.State.encoded(Entry.StateKind.END, resource, scope, span.toByteArray()));
      }
      case 2 -> new Entry(k, t, new Entry.Update(SpanUpdate.newBuilder().addAttributes(TestSpans.attr("u", blob)).build()));
      default -> new Entry(k, t, new Entry.Event(Span.Event.newBuilder().setName(blob).setTimeUnixNano(t).build()));
    };
  }

  @Property(tries = 200)
  void sizeIsExactAndNeverAboveTheMaximum(@ForAll("specs") List<Spec> specs,
      @ForAll @IntRange(min = 1024, max = 8192) int max) {
    long bucket = Buckets.of(T0);
    ChunkBuilder b = new ChunkBuilder(bucket, max);
    for (Spec s : specs) {
      Entry e = entry(s);
      long before = b.size();
      boolean fits = ChunkBuilder.aloneSize(e) <= max;
      boolean added = b.add(e);
      if (!added) {
        assertEquals(before, b.size(), "a refused record changes nothing");
        if (fits) {
          b = new ChunkBuilder(bucket, max);
          assertTrue(b.add(e), "a record that fits alone fits an empty chunk");
        }
      } else if (s.kind() == 1 || s.kind() == 4) {
        // An end whose start is in the chunk replaces it; size stays exact either way.
        assertTrue(b.size() <= max);
      }
      if (!b.isEmpty()) {
        byte[] bytes = b.encode(); // throws when the count is off
        assertEquals(b.size(), bytes.length);
        assertTrue(bytes.length <= max);
        assertArrayEquals(b.toMessage().toByteArray(), bytes, "same bytes as the generated serializer");
        TraceChunk decoded = ChunkCodec.decode(bucket, bytes, true);
        assertEquals(b.recordCount(), decoded.getRecordsCount());
      }
    }
  }

  @Property(tries = 100)
  void replacingAStartKeepsTheCountExact(@ForAll @IntRange(min = 0, max = 3000) int startBytes,
      @ForAll @IntRange(min = 0, max = 3000) int endBytes) {
    long bucket = Buckets.of(T0);
    ChunkBuilder b = new ChunkBuilder(bucket, 4096);
    assertTrue(b.add(entry(new Spec(1, 0, 0, 0))));
    assertTrue(b.add(entry(new Spec(2, 0, Math.min(startBytes, 3000), 1))));
    Entry end = entry(new Spec(2, 1, endBytes, 3));
    long before = b.size();
    boolean replaced = b.replaceStart(end);
    if (replaced) {
      assertEquals(2, b.recordCount());
      assertTrue(b.encode().length <= 4096);
      assertArrayEquals(b.toMessage().toByteArray(), b.encode());
    } else {
      assertEquals(before, b.size());
    }
    assertFalse(b.replaceStart(entry(new Spec(3, 1, 0, 0))), "no start of span 3 in the chunk");
  }

  /**
   * Dictionaries hold each distinct resource and scope once, in order of first use, whether records bring
   * the same instance or equal copies, and past the size where lookups switch from a scan to a map.
   */
  @Property(tries = 100)
  void dictionariesHoldEachDistinctEntryOnceInOrderOfFirstUse(
      @ForAll("resourceIds") List<Integer> ids, @ForAll boolean sameInstances) {
    long bucket = Buckets.of(T0);
    ChunkBuilder b = new ChunkBuilder(bucket, Integer.MAX_VALUE);
    Map<Integer, Resource> shared = new HashMap<>();
    List<Resource> firstUse = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      int id = ids.get(i);
      Resource r = sameInstances ? shared.computeIfAbsent(id, ChunkBuilderTest::resource) : resource(id);
      if (!firstUse.contains(r)) {
        firstUse.add(r);
      }
      InstrumentationScope scope = InstrumentationScope.newBuilder().setName("scope-" + id % 11).build();
      Span span = TestSpans.completed(i, T0 + i, T0 + i + 5).toBuilder().clearTraceId().clearSpanId().build();
      assertTrue(b.add(new Entry(TestSpans.key(i), T0 + i + 5, new Entry.State(Entry.StateKind.END, r, scope, span))));
    }
    byte[] bytes = b.encode();
    assertArrayEquals(b.toMessage().toByteArray(), bytes);
    TraceChunk chunk = ChunkCodec.decode(bucket, bytes, true);
    assertEquals(firstUse, chunk.getResourcesList());
    assertEquals(ids.stream().map(id -> id % 11).distinct().count(), chunk.getScopesCount());
    for (int i = 0; i < ids.size(); i++) {
      SpanState st = chunk.getRecords(i).getEnd();
      assertEquals(resource(ids.get(i)), chunk.getResources(st.getResourceIndex()));
      assertEquals("scope-" + ids.get(i) % 11, chunk.getScopes(st.getScopeIndex()).getName());
    }
  }

  private static Resource resource(int id) {
    return Resource.newBuilder().addAttributes(TestSpans.attr("service.name", "svc-" + id)).build();
  }

  @Provide
  Arbitrary<List<Integer>> resourceIds() {
    return Arbitraries.integers().between(0, 30).list().ofMinSize(1).ofMaxSize(80);
  }

  /** A state given as bytes is cut to fit exactly as the same state given as a message. */
  @Property(tries = 60)
  void encodedStatesFitAsMessagesDo(@ForAll @IntRange(min = 0, max = 40) int events,
      @ForAll @IntRange(min = 600, max = 4000) int max) {
    Span.Builder b = TestSpans.completed(1, T0, T0 + 5).toBuilder().clearTraceId().clearSpanId();
    for (int i = 0; i < events; i++) {
      b.addEvents(Span.Event.newBuilder().setName("event-" + i + "-" + "x".repeat(40)).setTimeUnixNano(T0 + i));
    }
    Span span = b.build();
    SpanKey k = TestSpans.key(1);
    Entry asMessage = new Entry(k, T0 + 5, new Entry.State(Entry.StateKind.END, RESOURCE, SCOPE, span));
    Entry asBytes = new Entry(k, T0 + 5, Entry.State.encoded(Entry.StateKind.END, RESOURCE, SCOPE, span.toByteArray()));
    assertEquals(ChunkBuilder.aloneSize(asMessage), ChunkBuilder.aloneSize(asBytes));
    Entry m = SpanStates.fit(asMessage, max);
    Entry e = SpanStates.fit(asBytes, max);
    assertEquals(((Entry.State) m.body()).span(), ((Entry.State) e.body()).span());
    assertEquals(ChunkBuilder.aloneSize(m), ChunkBuilder.aloneSize(e));
    assertTrue(ChunkBuilder.aloneSize(e) <= max);
  }

  @Provide
  Arbitrary<List<Spec>> specs() {
    return Combinators.combine(Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 4),
            Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, Arbitraries.integers().between(0, 200)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 9000))),
            Arbitraries.integers().between(0, 4))
        .as(Spec::new).list().ofMaxSize(40);
  }
}
