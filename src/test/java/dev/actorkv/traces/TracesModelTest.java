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
import io.opentelemetry.proto.common.v1.KeyValue.Builder;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of span starts, updates, events, ends, finished spans, flushes and restarts against
 * a model that keeps every span's state after each of its records.
 */
class TracesModelTest {
  enum Kind { START, ATTR, EVENT, END, RECORD, FLUSH, REOPEN }

  record Op(Kind kind, int span, long advanceNanos) {}

  /** One span's history: its state after each of its records, with the record's time. */
  static final class History {
    final List<Long> times = new ArrayList<>();
    final List<Span> states = new ArrayList<>();

    void add(long time, Span s) {
      times.add(time);
      states.add(s);
    }

    Span last() {
      return states.getLast();
    }

    /** The state after the last record before {@code t}, or null. */
    Span asOf(long t) {
      Span out = null;
      for (int i = 0; i < times.size(); i++) {
        if (times.get(i) < t) {
          out = states.get(i);
        }
      }
      return out;
    }

    boolean hasRecordIn(long from, long to) {
      return times.stream().anyMatch(x -> x >= from && x < to);
    }
  }

  @Property(tries = 30)
  void readsMatchTheModel(@ForAll("ops") List<Op> ops, @ForAll boolean deferredStarts) throws IOException {
    Path dir = Files.createTempDirectory("traces-model");
    TracesOptions opts = TracesOptions.defaults().withFlushInterval(Duration.ZERO).withMaxChunkBytes(1500);
    Map<SpanKey, History> model = new LinkedHashMap<>();
    Set<SpanKey> open = new HashSet<>();
    int recorded = 0;
    long now = T0;
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("m");
      ActorTraces traces = ActorTraces.open(actor, opts);
      try {
        for (Op op : ops) {
          now += op.advanceNanos();
          ActorTraces cur = traces;
          SpanKey k = TestSpans.key(op.span());
          switch (op.kind()) {
            case START -> {
              if (open.contains(k)) {
                Span s = TestSpans.started(op.span(), now);
                assertThrows(IllegalArgumentException.class, () -> cur.start(RESOURCE, SCOPE, s));
                assertThrows(IllegalArgumentException.class, () -> cur.startDeferred(k, RESOURCE, SCOPE,
                    s.getStartTimeUnixNano(), () -> withoutIds(s), null));
              } else if (!model.containsKey(k)) { // span ids are never reused
                Span s = TestSpans.started(op.span(), now);
                if (deferredStarts) {
                  // The SDK path: the start record is written only if still needed when its chunk seals.
                  traces.startDeferred(k, RESOURCE, SCOPE, now, () -> withoutIds(s), null);
                } else {
                  traces.start(RESOURCE, SCOPE, s);
                }
                History h = new History();
                h.add(now, s);
                model.put(k, h);
                open.add(k);
              }
            }
            case ATTR -> {
              var kv = TestSpans.attr(op.advanceNanos() % 2 == 0 ? "s" : "k" + (op.advanceNanos() % 5), now);
              if (!open.contains(k)) {
                long t = now;
                assertThrows(IllegalArgumentException.class, () -> cur.setAttributes(k, t, List.of(kv)));
              } else {
                traces.setAttributes(k, now, List.of(kv));
                model.get(k).add(now, withAttribute(model.get(k).last(), kv));
              }
            }
            case EVENT -> {
              Span.Event ev = Span.Event.newBuilder().setName("e" + now).setTimeUnixNano(now).build();
              if (!open.contains(k)) {
                assertThrows(IllegalArgumentException.class, () -> cur.addEvent(k, ev));
              } else {
                traces.addEvent(k, ev);
                model.get(k).add(now, model.get(k).last().toBuilder().addEvents(ev).build());
              }
            }
            case END -> {
              if (!open.contains(k)) {
                long t = now;
                assertThrows(IllegalArgumentException.class, () -> cur.end(k, t));
              } else {
                traces.end(k, now);
                model.get(k).add(now, model.get(k).last().toBuilder().setEndTimeUnixNano(now).build());
                open.remove(k);
              }
            }
            case RECORD -> {
              int n = 100_000 + recorded++;
              Span s = TestSpans.completed(n, Math.max(T0, now - op.advanceNanos() * 3), now);
              traces.record(RESOURCE, SCOPE, s);
              History h = new History();
              h.add(now, s);
              model.put(TestSpans.key(n), h);
            }
            case FLUSH -> traces.flush();
            case REOPEN -> {
              traces.close();
              traces = ActorTraces.open(actor, opts);
              open.clear(); // spans left open are abandoned: started, never ended
            }
          }
        }
      } finally {
        traces.close();
      }
      for (KeyValue kv : actor.scan(TracesKeys.all(), Integer.MAX_VALUE)) {
        assertTrue(kv.value().length <= 1500);
      }
      assertEquals(List.of(), TraceChunks.check(actor, 1500));
      try (ActorTraces reader = ActorTraces.open(actor, opts)) {
        // Everything: every span with its final state.
        List<StoredSpan> all = reader.read(0, Long.MAX_VALUE, 100_000).spans();
        Map<SpanKey, Span> expectAll = new HashMap<>();
        model.forEach((key, h) -> expectAll.put(key, h.last()));
        assertEquals(expectAll.size(), all.size());
        for (StoredSpan s : all) {
          assertEquals(expectAll.get(s.key()), s.span());
        }
        List<StoredSpan> sorted = new ArrayList<>(all);
        sorted.sort(ActorTraces.SPAN_ORDER);
        assertEquals(sorted, all);
        // Each hour: only overlapping spans, each as of the hour's end, and every span with a record
        // in the hour is there.
        TreeSet<Long> hours = new TreeSet<>();
        for (long t = T0; t <= now; t += HOUR) {
          hours.add(t);
        }
        for (long from : hours) {
          long to = from + HOUR;
          TraceRead read = reader.read(from, to, 100_000);
          int inBucket = actor.scan(TracesKeys.bucket(from / 1_000_000_000L), 100_000).size();
          assertTrue(read.chunksRead() <= inBucket + 1, "chunks read " + read.chunksRead() + " of " + inBucket + " + 1");
          Set<SpanKey> got = new HashSet<>();
          for (StoredSpan s : read.spans()) {
            got.add(s.key());
            History h = model.get(s.key());
            Span expected = h.asOf(to);
            assertEquals(expected, s.span(), "span " + s.key() + " in hour " + (from - T0) / HOUR);
            assertTrue(expected.getStartTimeUnixNano() < to);
            assertTrue(expected.getEndTimeUnixNano() == 0 || expected.getEndTimeUnixNano() >= from);
          }
          model.forEach((key, h) -> {
            if (h.hasRecordIn(from, to)) {
              Span s = h.asOf(to);
              if (s.getEndTimeUnixNano() == 0 || s.getEndTimeUnixNano() >= from) {
                assertTrue(got.contains(key), "span " + key + " has a record in hour " + (from - T0) / HOUR);
              }
            }
          });
        }
      }
    } finally {
      deleteRecursively(dir);
    }
  }

  private static Span withAttribute(Span s, io.opentelemetry.proto.common.v1.KeyValue kv) {
    // Model semantics, written independently of the implementation: replace in place, else append.
    List<io.opentelemetry.proto.common.v1.KeyValue> attrs = new ArrayList<>(s.getAttributesList());
    boolean replaced = false;
    for (int i = 0; i < attrs.size(); i++) {
      if (attrs.get(i).getKey().equals(kv.getKey())) {
        attrs.set(i, kv);
        replaced = true;
      }
    }
    if (!replaced) {
      attrs.add(kv);
    }
    return s.toBuilder().clearAttributes().addAllAttributes(attrs).build();
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Kind> kind = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.just(Kind.START)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.ATTR)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.EVENT)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.END)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.RECORD)),
        net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.FLUSH)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.REOPEN)));
    Arbitrary<Long> advance = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.longs().between(0, 1_000_000)),
        net.jqwik.api.Tuple.of(2, Arbitraries.longs().between(0, 20 * 60 * 1_000_000_000L)),
        net.jqwik.api.Tuple.of(1, Arbitraries.longs().between(HOUR, 3 * HOUR)));
    return Combinators.combine(kind, Arbitraries.integers().between(0, 11), advance).as(Op::new).list().ofMaxSize(80);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Span withoutIds(Span s) {
    return s.toBuilder().clearTraceId().clearSpanId().build();
  }
}
