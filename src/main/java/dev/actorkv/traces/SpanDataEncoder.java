package dev.actorkv.traces;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes the OpenTelemetry SDK's span data straight into the serialization of the OTLP span a chunk
 * stores (without ids): the bytes of {@code SpanDataConverter.spanWithoutIds(d).toByteArray()} — fields in
 * number order, proto3 defaults left out, a set oneof member or message always written — without building
 * the span and its attributes, values, events, links and status as messages first (a dozen messages and
 * their builders per typical span). The first pass counts, keeping each nested message's size in the
 * order met; the second writes into an array of exactly the counted size, taking the sizes in the same
 * order. A miscount fails (too few bytes counted: out of space; too many: space left).
 */
final class SpanDataEncoder {
  private static final int TRACE_STATE = 3;
  private static final int PARENT_SPAN_ID = 4;
  private static final int NAME = 5;
  private static final int KIND = 6;
  private static final int START_TIME = 7;
  private static final int END_TIME = 8;
  private static final int ATTRIBUTES = 9;
  private static final int DROPPED_ATTRIBUTES = 10;
  private static final int EVENTS = 11;
  private static final int DROPPED_EVENTS = 12;
  private static final int LINKS = 13;
  private static final int DROPPED_LINKS = 14;
  private static final int STATUS = 15;
  private static final int FLAGS = 16;

  private final SpanData d;
  private final String traceState;
  private final byte[] parent;
  private final int kind;
  private final long start;
  private final long end;
  private final int droppedAttributes;
  private final int droppedEvents;
  private final int droppedLinks;
  private final int flags;
  /** Sizes of the nested messages in the order both passes meet them. */
  private int[] sizes = new int[16];
  private int counted;
  private int taken;

  private SpanDataEncoder(SpanData d) {
    this.d = d;
    SpanContext ctx = d.getSpanContext();
    this.traceState = SpanDataConverter.traceState(ctx.getTraceState());
    this.parent = d.getParentSpanContext().isValid() ? d.getParentSpanContext().getSpanIdBytes() : null;
    this.kind = SpanDataConverter.kind(d.getKind()).getNumber();
    this.start = d.getStartEpochNanos();
    this.end = d.hasEnded() ? d.getEndEpochNanos() : 0;
    this.droppedAttributes = d.getTotalAttributeCount() - d.getAttributes().size();
    this.droppedEvents = d.getTotalRecordedEvents() - d.getEvents().size();
    this.droppedLinks = d.getTotalRecordedLinks() - d.getLinks().size();
    this.flags = SpanDataConverter.flags(ctx.getTraceFlags().asByte(), d.getParentSpanContext());
  }

  /** The serialization of {@code d} as an OTLP span without trace and span ids. */
  static byte[] encodeWithoutIds(SpanData d) {
    SpanDataEncoder e = new SpanDataEncoder(d);
    byte[] out = new byte[e.spanSize()];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      e.writeSpan(o);
      o.checkNoSpaceLeft();
    } catch (IOException | UncheckedIOException | IllegalStateException ex) {
      throw new IllegalStateException("span size accounting is off: counted " + out.length + " bytes", ex);
    }
    if (e.taken != e.counted) {
      throw new IllegalStateException("span size accounting is off: " + e.counted + " nested sizes, " + e.taken + " used");
    }
    return out;
  }

  // ------------------------------------------------------------------ counting

  private int spanSize() {
    int s = 0;
    if (!traceState.isEmpty()) {
      s += CodedOutputStream.computeStringSize(TRACE_STATE, traceState);
    }
    if (parent != null && parent.length > 0) {
      s += CodedOutputStream.computeByteArraySize(PARENT_SPAN_ID, parent);
    }
    if (!d.getName().isEmpty()) {
      s += CodedOutputStream.computeStringSize(NAME, d.getName());
    }
    if (kind != 0) {
      s += CodedOutputStream.computeEnumSize(KIND, kind);
    }
    if (start != 0) {
      s += CodedOutputStream.computeFixed64Size(START_TIME, start);
    }
    if (end != 0) {
      s += CodedOutputStream.computeFixed64Size(END_TIME, end);
    }
    s += attributesSize(ATTRIBUTES, d.getAttributes());
    if (droppedAttributes != 0) {
      s += CodedOutputStream.computeUInt32Size(DROPPED_ATTRIBUTES, droppedAttributes);
    }
    for (EventData e : d.getEvents()) {
      s += nested(EVENTS, eventSize(e));
    }
    if (droppedEvents != 0) {
      s += CodedOutputStream.computeUInt32Size(DROPPED_EVENTS, droppedEvents);
    }
    for (LinkData l : d.getLinks()) {
      s += nested(LINKS, linkSize(l));
    }
    if (droppedLinks != 0) {
      s += CodedOutputStream.computeUInt32Size(DROPPED_LINKS, droppedLinks);
    }
    s += nested(STATUS, statusSize(d.getStatus()));
    if (flags != 0) {
      s += CodedOutputStream.computeFixed32Size(FLAGS, flags);
    }
    return s;
  }

  private static int nested(int field, int size) {
    return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(size) + size;
  }

  private int reserve() {
    if (counted == sizes.length) {
      sizes = Arrays.copyOf(sizes, counted * 2);
    }
    return counted++;
  }

  private int attributesSize(int field, Attributes attributes) {
    int[] total = {0};
    attributes.forEach((k, v) -> total[0] += nested(field, keyValueSize(k, v)));
    return total[0];
  }

  private int keyValueSize(AttributeKey<?> key, Object value) {
    int slot = reserve();
    int s = key.getKey().isEmpty() ? 0 : CodedOutputStream.computeStringSize(1, key.getKey());
    s += nested(2, anyValueSize(key, value));
    sizes[slot] = s;
    return s;
  }

  /** AnyValue as {@code SpanDataConverter.value}: the set oneof member is written even when it is a default. */
  private int anyValueSize(AttributeKey<?> key, Object v) {
    int slot = reserve();
    int s = switch (key.getType()) {
      case STRING -> CodedOutputStream.computeStringSize(1, (String) v);
      case BOOLEAN -> CodedOutputStream.computeBoolSize(2, (Boolean) v);
      case LONG -> CodedOutputStream.computeInt64Size(3, (Long) v);
      case DOUBLE -> CodedOutputStream.computeDoubleSize(4, (Double) v);
      case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> nested(5, arraySize((List<?>) v));
      default -> CodedOutputStream.computeStringSize(1, String.valueOf(v));
    };
    sizes[slot] = s;
    return s;
  }

  private int arraySize(List<?> values) {
    int slot = reserve();
    int s = 0;
    for (Object o : values) {
      s += nested(1, scalarSize(o));
    }
    sizes[slot] = s;
    return s;
  }

  private int scalarSize(Object o) {
    int slot = reserve();
    int s = switch (o) {
      case String str -> CodedOutputStream.computeStringSize(1, str);
      case Boolean b -> CodedOutputStream.computeBoolSize(2, b);
      case Long l -> CodedOutputStream.computeInt64Size(3, l);
      case Double x -> CodedOutputStream.computeDoubleSize(4, x);
      default -> CodedOutputStream.computeStringSize(1, String.valueOf(o));
    };
    sizes[slot] = s;
    return s;
  }

  private int eventSize(EventData e) {
    int slot = reserve();
    int s = 0;
    if (e.getEpochNanos() != 0) {
      s += CodedOutputStream.computeFixed64Size(1, e.getEpochNanos());
    }
    if (!e.getName().isEmpty()) {
      s += CodedOutputStream.computeStringSize(2, e.getName());
    }
    s += attributesSize(3, e.getAttributes());
    if (e.getDroppedAttributesCount() != 0) {
      s += CodedOutputStream.computeUInt32Size(4, e.getDroppedAttributesCount());
    }
    sizes[slot] = s;
    return s;
  }

  private int linkSize(LinkData l) {
    int slot = reserve();
    SpanContext lc = l.getSpanContext();
    int s = CodedOutputStream.computeByteArraySize(1, lc.getTraceIdBytes())
        + CodedOutputStream.computeByteArraySize(2, lc.getSpanIdBytes());
    String ts = SpanDataConverter.traceState(lc.getTraceState());
    if (!ts.isEmpty()) {
      s += CodedOutputStream.computeStringSize(3, ts);
    }
    s += attributesSize(4, l.getAttributes());
    int dropped = l.getTotalAttributeCount() - l.getAttributes().size();
    if (dropped != 0) {
      s += CodedOutputStream.computeUInt32Size(5, dropped);
    }
    int linkFlags = linkFlags(lc);
    if (linkFlags != 0) {
      s += CodedOutputStream.computeFixed32Size(6, linkFlags);
    }
    sizes[slot] = s;
    return s;
  }

  private static int linkFlags(SpanContext lc) {
    return (lc.getTraceFlags().asByte() & 0xff) | SpanDataConverter.HAS_IS_REMOTE
        | (lc.isRemote() ? SpanDataConverter.IS_REMOTE : 0);
  }

  private int statusSize(StatusData status) {
    int slot = reserve();
    int s = 0;
    if (!status.getDescription().isEmpty()) {
      s += CodedOutputStream.computeStringSize(2, status.getDescription());
    }
    int code = SpanDataConverter.statusCode(status).getNumber();
    if (code != 0) {
      s += CodedOutputStream.computeEnumSize(3, code);
    }
    sizes[slot] = s;
    return s;
  }

  // ------------------------------------------------------------------ writing (same order as counting)

  private void writeSpan(CodedOutputStream o) throws IOException {
    if (!traceState.isEmpty()) {
      o.writeString(TRACE_STATE, traceState);
    }
    if (parent != null && parent.length > 0) {
      o.writeByteArray(PARENT_SPAN_ID, parent);
    }
    if (!d.getName().isEmpty()) {
      o.writeString(NAME, d.getName());
    }
    if (kind != 0) {
      o.writeEnum(KIND, kind);
    }
    if (start != 0) {
      o.writeFixed64(START_TIME, start);
    }
    if (end != 0) {
      o.writeFixed64(END_TIME, end);
    }
    writeAttributes(o, ATTRIBUTES, d.getAttributes());
    if (droppedAttributes != 0) {
      o.writeUInt32(DROPPED_ATTRIBUTES, droppedAttributes);
    }
    for (EventData e : d.getEvents()) {
      startNested(o, EVENTS);
      writeEvent(o, e);
    }
    if (droppedEvents != 0) {
      o.writeUInt32(DROPPED_EVENTS, droppedEvents);
    }
    for (LinkData l : d.getLinks()) {
      startNested(o, LINKS);
      writeLink(o, l);
    }
    if (droppedLinks != 0) {
      o.writeUInt32(DROPPED_LINKS, droppedLinks);
    }
    startNested(o, STATUS);
    writeStatus(o, d.getStatus());
    if (flags != 0) {
      o.writeFixed32(FLAGS, flags);
    }
  }

  /** Tag and length of the next nested message, whose size the count kept. */
  private void startNested(CodedOutputStream o, int field) throws IOException {
    o.writeTag(field, WireFormat.WIRETYPE_LENGTH_DELIMITED);
    o.writeUInt32NoTag(sizes[taken++]);
  }

  private void writeAttributes(CodedOutputStream o, int field, Attributes attributes) {
    attributes.forEach((k, v) -> {
      try {
        startNested(o, field);
        if (!k.getKey().isEmpty()) {
          o.writeString(1, k.getKey());
        }
        startNested(o, 2);
        writeAnyValue(o, k, v);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  private void writeAnyValue(CodedOutputStream o, AttributeKey<?> key, Object v) throws IOException {
    switch (key.getType()) {
      case STRING -> o.writeString(1, (String) v);
      case BOOLEAN -> o.writeBool(2, (Boolean) v);
      case LONG -> o.writeInt64(3, (Long) v);
      case DOUBLE -> o.writeDouble(4, (Double) v);
      case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
        startNested(o, 5);
        for (Object e : (List<?>) v) {
          startNested(o, 1);
          writeScalar(o, e);
        }
      }
      default -> o.writeString(1, String.valueOf(v));
    }
  }

  private static void writeScalar(CodedOutputStream o, Object v) throws IOException {
    switch (v) {
      case String s -> o.writeString(1, s);
      case Boolean b -> o.writeBool(2, b);
      case Long l -> o.writeInt64(3, l);
      case Double x -> o.writeDouble(4, x);
      default -> o.writeString(1, String.valueOf(v));
    }
  }

  private void writeEvent(CodedOutputStream o, EventData e) throws IOException {
    if (e.getEpochNanos() != 0) {
      o.writeFixed64(1, e.getEpochNanos());
    }
    if (!e.getName().isEmpty()) {
      o.writeString(2, e.getName());
    }
    writeAttributes(o, 3, e.getAttributes());
    if (e.getDroppedAttributesCount() != 0) {
      o.writeUInt32(4, e.getDroppedAttributesCount());
    }
  }

  private void writeLink(CodedOutputStream o, LinkData l) throws IOException {
    SpanContext lc = l.getSpanContext();
    o.writeByteArray(1, lc.getTraceIdBytes());
    o.writeByteArray(2, lc.getSpanIdBytes());
    String ts = SpanDataConverter.traceState(lc.getTraceState());
    if (!ts.isEmpty()) {
      o.writeString(3, ts);
    }
    writeAttributes(o, 4, l.getAttributes());
    int dropped = l.getTotalAttributeCount() - l.getAttributes().size();
    if (dropped != 0) {
      o.writeUInt32(5, dropped);
    }
    int linkFlags = linkFlags(lc);
    if (linkFlags != 0) {
      o.writeFixed32(6, linkFlags);
    }
  }

  private static void writeStatus(CodedOutputStream o, StatusData status) throws IOException {
    if (!status.getDescription().isEmpty()) {
      o.writeString(2, status.getDescription());
    }
    int code = SpanDataConverter.statusCode(status).getNumber();
    if (code != 0) {
      o.writeEnum(3, code);
    }
  }
}
