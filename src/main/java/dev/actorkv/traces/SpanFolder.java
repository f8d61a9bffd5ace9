package dev.actorkv.traces;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanUpdate;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;

/**
 * Folds the records of chunks, in key order, into span states — a whole-span record replaces the state,
 * an update or event applies to it — and selects the spans of a window. A state is kept as its last
 * whole-span record (the span's bytes in the chunk value, with its start and end times) and the changes
 * recorded after it: what a window and the order need is known without parsing, and only the spans a read
 * returns are parsed into messages.
 */
final class SpanFolder {
  private record Ids(long traceHi, long traceLo, long spanId) {
    // Written out rather than the record's generated ones (bootstrapped method handles): one lookup per record read.
    @Override
    public boolean equals(Object o) {
      return o instanceof Ids i && traceHi == i.traceHi && traceLo == i.traceLo && spanId == i.spanId;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(traceHi * 31 + traceLo) * 31 + Long.hashCode(spanId);
    }
  }

  private static final class State {
    final Ids ids;
    ChunkScanner.Scanned base;
    Resource resource;
    InstrumentationScope scope;
    /** Updates and events after the base, in order; null while there are none. */
    List<ChunkScanner.Scanned> changes;

    State(Ids ids) {
      this.ids = ids;
    }
  }

  /** {@link ActorTraces#SPAN_ORDER}: start time, then trace id, then span id, all unsigned. */
  private static final Comparator<State> ORDER = (x, y) -> {
    int c = Long.compareUnsigned(x.base.spanStart(), y.base.spanStart());
    if (c == 0) {
      c = Long.compareUnsigned(x.ids.traceHi, y.ids.traceHi);
    }
    if (c == 0) {
      c = Long.compareUnsigned(x.ids.traceLo, y.ids.traceLo);
    }
    return c != 0 ? c : Long.compareUnsigned(x.ids.spanId, y.ids.spanId);
  };

  private final HashMap<Ids, State> spans = new HashMap<>();
  /** The states in order of their span's first record: nearly the read's order, so its sort is nearly linear. */
  private final List<State> inOrder = new ArrayList<>();

  void add(ChunkScanner.Chunk chunk) {
    for (ChunkScanner.Scanned r : chunk.records()) {
      Ids ids = new Ids(r.traceHi(), r.traceLo(), r.spanId());
      State s = spans.get(ids);
      if (s == null) {
        s = new State(ids);
        spans.put(ids, s);
        inOrder.add(s);
      }
      switch (r.kind()) {
        // An end is final: a start or snapshot that sorts after it (a late record of an older bucket
        // written after the span was snapshotted in a newer one) must not reopen the span.
        case START, SNAPSHOT -> {
          if (s.base == null || s.base.spanEnd() == 0) {
            replace(s, chunk, r);
          }
        }
        case END -> replace(s, chunk, r);
        // An end holds the span's final state with every change made while it was open; a change that
        // folds after it is already in it (chunks written before the fix of ChunkBuilder#replaceStart
        // hold [end, change] for a span started, changed and ended in one flush; a change timed after the
        // end lands in a later bucket), so only changes of an open span apply.
        case UPDATE, EVENT -> {
          if (s.base != null && s.base.spanEnd() == 0) {
            if (s.changes == null) {
              s.changes = new ArrayList<>(2);
            }
            s.changes.add(r);
          }
        }
        case BODY_NOT_SET -> throw new IllegalStateException("validated record without body");
      }
    }
  }

  private static void replace(State s, ChunkScanner.Chunk chunk, ChunkScanner.Scanned r) {
    s.base = r;
    s.changes = null;
    s.resource = chunk.resources().get(r.resourceIndex());
    s.scope = chunk.scopes().get(r.scopeIndex());
  }

  /**
   * The folded spans overlapping {@code [startNanos, endNanos)}, ordered by {@link ActorTraces#SPAN_ORDER},
   * at most {@code limit} of them; {@code truncated} when more overlapped.
   */
  TraceRead select(long startNanos, long endNanos, int limit, int chunksRead) {
    List<State> hits = new ArrayList<>();
    for (State s : inOrder) {
      if (s.base == null) {
        continue;
      }
      long start = s.base.spanStart();
      long end = s.base.spanEnd(); // updates and events never change the times
      if (Long.compareUnsigned(start, endNanos) < 0 && (end == 0 || Long.compareUnsigned(end, startNanos) >= 0)) {
        hits.add(s);
      }
    }
    hits.sort(ORDER);
    boolean truncated = hits.size() > limit;
    int n = truncated ? limit : hits.size();
    List<StoredSpan> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      State s = hits.get(i);
      out.add(new StoredSpan(s.resource, s.scope, span(s)));
    }
    return new TraceRead(out, truncated, chunksRead);
  }

  /** The span of a state, parsed from its bytes with its changes applied and its ids put back. */
  private static Span span(State s) {
    ChunkScanner.Scanned base = s.base;
    Span.Builder b = Span.newBuilder();
    try {
      b.mergeFrom(base.value(), base.offset(), base.length());
      if (s.changes != null) {
        for (ChunkScanner.Scanned c : s.changes) {
          if (c.kind() == SpanRecord.BodyCase.UPDATE) {
            SpanStates.apply(b, SpanUpdate.parser().parseFrom(c.value(), c.offset(), c.length()));
          } else {
            SpanStates.apply(b, Span.Event.parser().parseFrom(c.value(), c.offset(), c.length()));
          }
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("chunk bytes checked by the scanner do not parse", e);
    }
    return b.setTraceId(id(s.ids.traceHi, s.ids.traceLo)).setSpanId(id(s.ids.spanId)).build();
  }

  private static ByteString id(long... longs) {
    byte[] bytes = new byte[longs.length * 8];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (longs[i / 8] >>> (56 - 8 * (i % 8)));
    }
    return UnsafeByteOperations.unsafeWrap(bytes);
  }
}
