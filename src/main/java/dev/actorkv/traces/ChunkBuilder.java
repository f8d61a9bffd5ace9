package dev.actorkv.traces;

import com.google.protobuf.CodedOutputStream;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One chunk being filled for one bucket. Tracks the exact encoded size of the chunk it would write —
 * header, resource and scope dictionaries and every record — so a chunk never exceeds its maximum.
 */
final class ChunkBuilder {
  private static final int HEADER_BYTES = CodedOutputStream.computeUInt32Size(
      TraceChunk.FORMAT_VERSION_FIELD_NUMBER, ChunkCodec.FORMAT_VERSION);

  final long bucket;
  private final int maxBytes;
  private final List<Resource> resources = new ArrayList<>();
  private final Map<Resource, Integer> resourceIndex = new HashMap<>();
  private final List<InstrumentationScope> scopes = new ArrayList<>();
  private final Map<InstrumentationScope, Integer> scopeIndex = new HashMap<>();
  private final List<SpanRecord> records = new ArrayList<>();
  /** Index in records of each START record, so an END in the same chunk can replace it. */
  private final Map<SpanKey, Integer> starts = new HashMap<>();
  private long size = HEADER_BYTES;

  ChunkBuilder(long bucket, int maxBytes) {
    this.bucket = bucket;
    this.maxBytes = maxBytes;
  }

  /** Encoded size of a chunk holding only {@code e}. */
  static long aloneSize(Entry e) {
    long s = HEADER_BYTES;
    if (e.body() instanceof Entry.State st) {
      s += CodedOutputStream.computeMessageSize(TraceChunk.RESOURCES_FIELD_NUMBER, st.resource());
      s += CodedOutputStream.computeMessageSize(TraceChunk.SCOPES_FIELD_NUMBER, st.scope());
    }
    return s + CodedOutputStream.computeMessageSize(TraceChunk.RECORDS_FIELD_NUMBER, toRecord(e, 0, 0));
  }

  long size() {
    return size;
  }

  boolean isEmpty() {
    return records.isEmpty();
  }

  int recordCount() {
    return records.size();
  }

  /** Adds {@code e} when the chunk stays within its maximum; returns false (and changes nothing) otherwise. */
  boolean add(Entry e) {
    Added a = prepare(e);
    if (size + a.dictionaryBytes + a.recordBytes > maxBytes) {
      return false;
    }
    commit(a);
    records.add(a.record);
    size += a.recordBytes;
    if (e.body() instanceof Entry.State st && st.kind() == Entry.StateKind.START) {
      starts.put(e.key(), records.size() - 1);
    }
    return true;
  }

  /**
   * Replaces the START record of {@code end}'s span with {@code end} when that START is in this chunk and
   * the result fits; a span that begins and ends within one flush is then stored once.
   */
  boolean replaceStart(Entry end) {
    Integer at = starts.get(end.key());
    if (at == null) {
      return false;
    }
    Added a = prepare(end);
    long old = CodedOutputStream.computeMessageSize(TraceChunk.RECORDS_FIELD_NUMBER, records.get(at));
    if (size - old + a.dictionaryBytes + a.recordBytes > maxBytes) {
      return false;
    }
    commit(a);
    records.set(at, a.record);
    size += a.recordBytes - old;
    starts.remove(end.key());
    return true;
  }

  /**
   * The chunk's bytes, written straight into an array of the counted size: the same bytes as building a
   * {@code TraceChunk} and serializing it (fields in number order, as generated code writes them), without
   * copying every record into a message first.
   */
  byte[] encode() {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("chunk of " + size + " bytes");
    }
    byte[] out = new byte[(int) size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeUInt32(TraceChunk.FORMAT_VERSION_FIELD_NUMBER, ChunkCodec.FORMAT_VERSION);
      for (Resource r : resources) {
        o.writeMessage(TraceChunk.RESOURCES_FIELD_NUMBER, r);
      }
      for (InstrumentationScope sc : scopes) {
        o.writeMessage(TraceChunk.SCOPES_FIELD_NUMBER, sc);
      }
      for (SpanRecord r : records) {
        o.writeMessage(TraceChunk.RECORDS_FIELD_NUMBER, r);
      }
      o.checkNoSpaceLeft();
    } catch (java.io.IOException | IllegalStateException e) {
      throw new IllegalStateException("chunk size accounting is off: counted " + size + " bytes", e);
    }
    return out;
  }

  private record Added(SpanRecord record, long recordBytes, long dictionaryBytes, Resource newResource,
      InstrumentationScope newScope) {}

  private Added prepare(Entry e) {
    int ri = 0;
    int si = 0;
    long dict = 0;
    Resource newResource = null;
    InstrumentationScope newScope = null;
    if (e.body() instanceof Entry.State st) {
      Integer r = resourceIndex.get(st.resource());
      if (r == null) {
        newResource = st.resource();
        r = resources.size();
        dict += CodedOutputStream.computeMessageSize(TraceChunk.RESOURCES_FIELD_NUMBER, newResource);
      }
      Integer s = scopeIndex.get(st.scope());
      if (s == null) {
        newScope = st.scope();
        s = scopes.size();
        dict += CodedOutputStream.computeMessageSize(TraceChunk.SCOPES_FIELD_NUMBER, newScope);
      }
      ri = r;
      si = s;
    }
    SpanRecord record = toRecord(e, ri, si);
    return new Added(record, CodedOutputStream.computeMessageSize(TraceChunk.RECORDS_FIELD_NUMBER, record), dict,
        newResource, newScope);
  }

  private void commit(Added a) {
    if (a.newResource != null) {
      resourceIndex.put(a.newResource, resources.size());
      resources.add(a.newResource);
    }
    if (a.newScope != null) {
      scopeIndex.put(a.newScope, scopes.size());
      scopes.add(a.newScope);
    }
    size += a.dictionaryBytes;
  }

  private static SpanRecord toRecord(Entry e, int resourceIndex, int scopeIndex) {
    SpanRecord.Builder b = SpanRecord.newBuilder()
        .setTraceId(e.key().traceId())
        .setSpanId(e.key().spanId())
        .setTimeUnixNano(e.timeNanos());
    switch (e.body()) {
      case Entry.State st -> {
        SpanState state = SpanState.newBuilder()
            .setSpan(st.span())
            .setResourceIndex(resourceIndex)
            .setScopeIndex(scopeIndex)
            .build();
        switch (st.kind()) {
          case START -> b.setStart(state);
          case SNAPSHOT -> b.setSnapshot(state);
          case END -> b.setEnd(state);
        }
      }
      case Entry.Update u -> b.setUpdate(u.update());
      case Entry.Event ev -> b.setEvent(ev.event());
    }
    return b.build();
  }
}
