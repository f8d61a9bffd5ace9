package dev.actorkv.traces;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
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
 *
 * <p>Record sizes are computed arithmetically from the parts (whose protobuf sizes are memoized by the
 * messages themselves) and records are written field by field at {@link #encode()}: no {@code SpanRecord}
 * is built to be measured, and none is built to be written. {@link #toRecord} is the generated-message
 * form these must match byte for byte (the tests compare them).
 */
final class ChunkBuilder {
  private static final int HEADER_BYTES = CodedOutputStream.computeUInt32Size(
      TraceChunk.FORMAT_VERSION_FIELD_NUMBER, ChunkCodec.FORMAT_VERSION);

  final long bucket;
  private final int maxBytes;
  private final Dictionary<Resource> resources = new Dictionary<>();
  private final Dictionary<InstrumentationScope> scopes = new Dictionary<>();
  private final List<Placed> records = new ArrayList<>();
  /** Index in records of each START record, so an END in the same chunk can replace it. */
  private final Map<SpanKey, Integer> starts = new HashMap<>();
  private long size = HEADER_BYTES;
  private int ends;

  /** A record in the chunk: the entry, its dictionary indices, and its SpanRecord body size (without tag and length). */
  private record Placed(Entry entry, int resourceIndex, int scopeIndex, int bodyBytes) {
    /** Bytes the record takes in the chunk: field tag, length and body. */
    long chunkBytes() {
      return CodedOutputStream.computeTagSize(TraceChunk.RECORDS_FIELD_NUMBER)
          + CodedOutputStream.computeUInt32SizeNoTag(bodyBytes) + bodyBytes;
    }
  }

  /**
   * A chunk's resource or scope dictionary: entries in order of first use, deduplicated by equality. The
   * entry looked up last is found by identity and a small dictionary by {@code equals}, so the usual case
   * (every span of a tracer provider shares one resource and one scope instance) never hashes a message:
   * a generated message's {@code hashCode} builds its proto file's descriptors first, a few hundred
   * milliseconds of start-up for a short-lived process that otherwise never needs them.
   */
  private static final class Dictionary<T> {
    private static final int LINEAR = 8;
    final List<T> entries = new ArrayList<>();
    /** Built once the dictionary outgrows a linear scan. */
    private Map<T, Integer> index;
    private T last;
    private int lastIndex;

    /** Index of {@code t}, or -1. */
    int indexOf(T t) {
      if (t == last) {
        return lastIndex;
      }
      int i = -1;
      if (index != null) {
        Integer at = index.get(t);
        i = at == null ? -1 : at;
      } else {
        for (int j = 0; j < entries.size(); j++) {
          if (entries.get(j).equals(t)) {
            i = j;
            break;
          }
        }
      }
      if (i >= 0) {
        last = t;
        lastIndex = i;
      }
      return i;
    }

    int size() {
      return entries.size();
    }

    void add(T t) {
      int i = entries.size();
      entries.add(t);
      if (index != null) {
        index.put(t, i);
      } else if (entries.size() > LINEAR) {
        index = new HashMap<>();
        for (int j = 0; j < entries.size(); j++) {
          index.put(entries.get(j), j);
        }
      }
      last = t;
      lastIndex = i;
    }
  }

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
    return s + place(e, 0, 0).chunkBytes();
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

  /** END records in the chunk: spans it holds finished (for the metrics of spans buffered and flushed). */
  int endCount() {
    return ends;
  }

  /** Adds {@code e} when the chunk stays within its maximum; returns false (and changes nothing) otherwise. */
  boolean add(Entry e) {
    Added a = prepare(e);
    long recordBytes = a.placed.chunkBytes();
    if (size + a.dictionaryBytes + recordBytes > maxBytes) {
      return false;
    }
    commit(a);
    records.add(a.placed);
    size += recordBytes;
    if (e.body() instanceof Entry.State st && st.kind() == Entry.StateKind.END) {
      ends++;
    }
    if (e.body() instanceof Entry.State st) {
      if (st.kind() == Entry.StateKind.START) {
        starts.put(e.key(), records.size() - 1);
      }
    } else {
      // A change after the start: an end in the start's place would come before it, and a read (which
      // folds in chunk order) would apply the change again on top of the end's final state.
      starts.remove(e.key());
    }
    return true;
  }

  /**
   * Replaces the START record of {@code end}'s span with {@code end} when that START is in this chunk, no
   * update or event of the span follows it here, and the result fits; a span that begins and ends within
   * one flush is then stored once.
   */
  boolean replaceStart(Entry end) {
    Integer at = starts.get(end.key());
    if (at == null) {
      return false;
    }
    Added a = prepare(end);
    long recordBytes = a.placed.chunkBytes();
    long old = records.get(at).chunkBytes();
    if (size - old + a.dictionaryBytes + recordBytes > maxBytes) {
      return false;
    }
    commit(a);
    records.set(at, a.placed);
    size += recordBytes - old;
    starts.remove(end.key());
    ends++; // a START (not counted) became the span's END
    return true;
  }

  /**
   * The chunk's bytes, written straight into an array of the counted size: the same bytes as building a
   * {@code TraceChunk} and serializing it (fields in number order, as generated code writes them), without
   * building a message per record. Any accounting error fails: too few bytes counted →
   * {@code OutOfSpaceException}, too many → {@code checkNoSpaceLeft}.
   */
  byte[] encode() {
    if (size > Integer.MAX_VALUE) {
      throw new IllegalStateException("chunk of " + size + " bytes");
    }
    byte[] out = new byte[(int) size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeUInt32(TraceChunk.FORMAT_VERSION_FIELD_NUMBER, ChunkCodec.FORMAT_VERSION);
      for (Resource r : resources.entries) {
        o.writeMessage(TraceChunk.RESOURCES_FIELD_NUMBER, r);
      }
      for (InstrumentationScope sc : scopes.entries) {
        o.writeMessage(TraceChunk.SCOPES_FIELD_NUMBER, sc);
      }
      for (Placed p : records) {
        o.writeTag(TraceChunk.RECORDS_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(p.bodyBytes);
        writeRecord(o, p);
      }
      o.checkNoSpaceLeft();
    } catch (java.io.IOException | IllegalStateException e) {
      throw new IllegalStateException("chunk size accounting is off: counted " + size + " bytes", e);
    }
    return out;
  }

  private record Added(Placed placed, long dictionaryBytes, Resource newResource, InstrumentationScope newScope) {}

  private Added prepare(Entry e) {
    int ri = 0;
    int si = 0;
    long dict = 0;
    Resource newResource = null;
    InstrumentationScope newScope = null;
    if (e.body() instanceof Entry.State st) {
      int r = resources.indexOf(st.resource());
      if (r < 0) {
        newResource = st.resource();
        r = resources.size();
        dict += CodedOutputStream.computeMessageSize(TraceChunk.RESOURCES_FIELD_NUMBER, newResource);
      }
      int s = scopes.indexOf(st.scope());
      if (s < 0) {
        newScope = st.scope();
        s = scopes.size();
        dict += CodedOutputStream.computeMessageSize(TraceChunk.SCOPES_FIELD_NUMBER, newScope);
      }
      ri = r;
      si = s;
    }
    return new Added(place(e, ri, si), dict, newResource, newScope);
  }

  private void commit(Added a) {
    if (a.newResource != null) {
      resources.add(a.newResource);
    }
    if (a.newScope != null) {
      scopes.add(a.newScope);
    }
    size += a.dictionaryBytes;
  }

  // SpanRecord and SpanState as the generated serializer writes them: fields in number order, proto3
  // scalars only when not zero/empty, a set message field always (even when empty).

  private static Placed place(Entry e, int resourceIndex, int scopeIndex) {
    int body = 0;
    if (!e.key().traceId().isEmpty()) {
      body += CodedOutputStream.computeBytesSize(SpanRecord.TRACE_ID_FIELD_NUMBER, e.key().traceId());
    }
    if (!e.key().spanId().isEmpty()) {
      body += CodedOutputStream.computeBytesSize(SpanRecord.SPAN_ID_FIELD_NUMBER, e.key().spanId());
    }
    if (e.timeNanos() != 0) {
      body += CodedOutputStream.computeFixed64Size(SpanRecord.TIME_UNIX_NANO_FIELD_NUMBER, e.timeNanos());
    }
    body += switch (e.body()) {
      case Entry.State st -> {
        int state = stateBytes(st, resourceIndex, scopeIndex);
        yield CodedOutputStream.computeTagSize(stateField(st.kind())) + CodedOutputStream.computeUInt32SizeNoTag(state)
            + state;
      }
      case Entry.Update u -> CodedOutputStream.computeMessageSize(SpanRecord.UPDATE_FIELD_NUMBER, u.update());
      case Entry.Event ev -> CodedOutputStream.computeMessageSize(SpanRecord.EVENT_FIELD_NUMBER, ev.event());
    };
    return new Placed(e, resourceIndex, scopeIndex, body);
  }

  private static int stateBytes(Entry.State st, int resourceIndex, int scopeIndex) {
    int span = st.spanBytes();
    int s = CodedOutputStream.computeTagSize(SpanState.SPAN_FIELD_NUMBER) + CodedOutputStream.computeUInt32SizeNoTag(span) + span;
    if (resourceIndex != 0) {
      s += CodedOutputStream.computeUInt32Size(SpanState.RESOURCE_INDEX_FIELD_NUMBER, resourceIndex);
    }
    if (scopeIndex != 0) {
      s += CodedOutputStream.computeUInt32Size(SpanState.SCOPE_INDEX_FIELD_NUMBER, scopeIndex);
    }
    return s;
  }

  private static int stateField(Entry.StateKind kind) {
    return switch (kind) {
      case START -> SpanRecord.START_FIELD_NUMBER;
      case SNAPSHOT -> SpanRecord.SNAPSHOT_FIELD_NUMBER;
      case END -> SpanRecord.END_FIELD_NUMBER;
    };
  }

  private static void writeRecord(CodedOutputStream o, Placed p) throws java.io.IOException {
    Entry e = p.entry;
    if (!e.key().traceId().isEmpty()) {
      o.writeBytes(SpanRecord.TRACE_ID_FIELD_NUMBER, e.key().traceId());
    }
    if (!e.key().spanId().isEmpty()) {
      o.writeBytes(SpanRecord.SPAN_ID_FIELD_NUMBER, e.key().spanId());
    }
    if (e.timeNanos() != 0) {
      o.writeFixed64(SpanRecord.TIME_UNIX_NANO_FIELD_NUMBER, e.timeNanos());
    }
    switch (e.body()) {
      case Entry.State st -> {
        o.writeTag(stateField(st.kind()), WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(stateBytes(st, p.resourceIndex, p.scopeIndex));
        o.writeTag(SpanState.SPAN_FIELD_NUMBER, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        o.writeUInt32NoTag(st.spanBytes());
        st.writeSpan(o);
        if (p.resourceIndex != 0) {
          o.writeUInt32(SpanState.RESOURCE_INDEX_FIELD_NUMBER, p.resourceIndex);
        }
        if (p.scopeIndex != 0) {
          o.writeUInt32(SpanState.SCOPE_INDEX_FIELD_NUMBER, p.scopeIndex);
        }
      }
      case Entry.Update u -> o.writeMessage(SpanRecord.UPDATE_FIELD_NUMBER, u.update());
      case Entry.Event ev -> o.writeMessage(SpanRecord.EVENT_FIELD_NUMBER, ev.event());
    }
  }

  /** The chunk as the generated {@code TraceChunk} message; {@link #encode()} must equal its serialization. */
  TraceChunk toMessage() {
    TraceChunk.Builder c = TraceChunk.newBuilder().setFormatVersion(ChunkCodec.FORMAT_VERSION)
        .addAllResources(resources.entries).addAllScopes(scopes.entries);
    for (Placed p : records) {
      c.addRecords(toRecord(p.entry, p.resourceIndex, p.scopeIndex));
    }
    return c.build();
  }

  static SpanRecord toRecord(Entry e, int resourceIndex, int scopeIndex) {
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
