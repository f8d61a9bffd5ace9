package dev.actorkv.traces;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;

/** Converts the OpenTelemetry SDK's span data to OTLP messages, as the OTLP exporters do. */
final class SpanDataConverter {
  /** OTLP span flags: bit 8 says whether bit 9 (the parent or link context is remote) is known. */
  static final int HAS_IS_REMOTE = 0x100;
  static final int IS_REMOTE = 0x200;

  private SpanDataConverter() {}

  static Span span(SpanData d) {
    SpanContext ctx = d.getSpanContext();
    return build(d, Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ctx.getTraceIdBytes()))
        .setSpanId(ByteString.copyFrom(ctx.getSpanIdBytes())));
  }

  /** The span without its trace and span ids, as a chunk stores it (the record carries the ids). */
  static Span spanWithoutIds(SpanData d) {
    return build(d, Span.newBuilder());
  }

  /** The identity of {@code d}. */
  static SpanKey key(SpanData d) {
    return key(d.getSpanContext());
  }

  /** The identity of the span of {@code ctx}. */
  static SpanKey key(SpanContext ctx) {
    // Decoded from the hex ids once, into the arrays the key holds (getTraceIdBytes decodes into an array
    // that would then be copied again).
    return new SpanKey(SpanKey.idFromHex(ctx.getTraceId(), 16, "trace id"), SpanKey.idFromHex(ctx.getSpanId(), 8, "span id"));
  }

  private static Span build(SpanData d, Span.Builder b) {
    SpanContext ctx = d.getSpanContext();
    b.setTraceState(traceState(ctx.getTraceState()))
        .setFlags(flags(ctx.getTraceFlags().asByte(), d.getParentSpanContext()))
        .setName(d.getName())
        .setKind(kind(d.getKind()))
        .setStartTimeUnixNano(d.getStartEpochNanos())
        .setEndTimeUnixNano(d.hasEnded() ? d.getEndEpochNanos() : 0)
        .addAllAttributes(attributes(d.getAttributes()))
        .setDroppedAttributesCount(d.getTotalAttributeCount() - d.getAttributes().size())
        .setDroppedEventsCount(d.getTotalRecordedEvents() - d.getEvents().size())
        .setDroppedLinksCount(d.getTotalRecordedLinks() - d.getLinks().size())
        .setStatus(status(d.getStatus()));
    if (d.getParentSpanContext().isValid()) {
      b.setParentSpanId(ByteString.copyFrom(d.getParentSpanContext().getSpanIdBytes()));
    }
    for (EventData e : d.getEvents()) {
      b.addEvents(Span.Event.newBuilder()
          .setTimeUnixNano(e.getEpochNanos())
          .setName(e.getName())
          .addAllAttributes(attributes(e.getAttributes()))
          .setDroppedAttributesCount(e.getDroppedAttributesCount()));
    }
    for (LinkData l : d.getLinks()) {
      SpanContext lc = l.getSpanContext();
      b.addLinks(Span.Link.newBuilder()
          .setTraceId(ByteString.copyFrom(lc.getTraceIdBytes()))
          .setSpanId(ByteString.copyFrom(lc.getSpanIdBytes()))
          .setTraceState(traceState(lc.getTraceState()))
          .setFlags((lc.getTraceFlags().asByte() & 0xff) | HAS_IS_REMOTE | (lc.isRemote() ? IS_REMOTE : 0))
          .addAllAttributes(attributes(l.getAttributes()))
          .setDroppedAttributesCount(l.getTotalAttributeCount() - l.getAttributes().size()));
    }
    return b.build();
  }

  static Resource resource(io.opentelemetry.sdk.resources.Resource r) {
    return Resource.newBuilder().addAllAttributes(attributes(r.getAttributes())).build();
  }

  static InstrumentationScope scope(InstrumentationScopeInfo s) {
    InstrumentationScope.Builder b = InstrumentationScope.newBuilder()
        .setName(s.getName())
        .addAllAttributes(attributes(s.getAttributes()));
    if (s.getVersion() != null) {
      b.setVersion(s.getVersion());
    }
    return b.build();
  }

  static int flags(byte traceFlags, SpanContext parent) {
    return (traceFlags & 0xff) | HAS_IS_REMOTE | (parent.isValid() && parent.isRemote() ? IS_REMOTE : 0);
  }

  static Span.SpanKind kind(io.opentelemetry.api.trace.SpanKind k) {
    return switch (k) {
      case INTERNAL -> Span.SpanKind.SPAN_KIND_INTERNAL;
      case SERVER -> Span.SpanKind.SPAN_KIND_SERVER;
      case CLIENT -> Span.SpanKind.SPAN_KIND_CLIENT;
      case PRODUCER -> Span.SpanKind.SPAN_KIND_PRODUCER;
      case CONSUMER -> Span.SpanKind.SPAN_KIND_CONSUMER;
    };
  }

  private static Status status(StatusData s) {
    return Status.newBuilder().setCode(statusCode(s)).setMessage(s.getDescription()).build();
  }

  static Status.StatusCode statusCode(StatusData s) {
    return switch (s.getStatusCode()) {
      case UNSET -> Status.StatusCode.STATUS_CODE_UNSET;
      case OK -> Status.StatusCode.STATUS_CODE_OK;
      case ERROR -> Status.StatusCode.STATUS_CODE_ERROR;
    };
  }

  /** W3C {@code tracestate} header form: {@code key=value} pairs joined by commas, in the state's order. */
  static String traceState(TraceState ts) {
    if (ts.isEmpty()) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    ts.forEach((k, v) -> {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(k).append('=').append(v);
    });
    return sb.toString();
  }

  static List<KeyValue> attributes(Attributes attrs) {
    List<KeyValue> out = new ArrayList<>(attrs.size());
    attrs.forEach((k, v) -> out.add(KeyValue.newBuilder().setKey(k.getKey()).setValue(value(k, v)).build()));
    return out;
  }

  private static AnyValue value(AttributeKey<?> key, Object v) {
    return switch (key.getType()) {
      case STRING -> AnyValue.newBuilder().setStringValue((String) v).build();
      case BOOLEAN -> AnyValue.newBuilder().setBoolValue((Boolean) v).build();
      case LONG -> AnyValue.newBuilder().setIntValue((Long) v).build();
      case DOUBLE -> AnyValue.newBuilder().setDoubleValue((Double) v).build();
      case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
        ArrayValue.Builder a = ArrayValue.newBuilder();
        for (Object o : (List<?>) v) {
          a.addValues(scalar(o));
        }
        yield AnyValue.newBuilder().setArrayValue(a).build();
      }
      default -> AnyValue.newBuilder().setStringValue(String.valueOf(v)).build();
    };
  }

  private static AnyValue scalar(Object o) {
    return switch (o) {
      case String s -> AnyValue.newBuilder().setStringValue(s).build();
      case Boolean b -> AnyValue.newBuilder().setBoolValue(b).build();
      case Long l -> AnyValue.newBuilder().setIntValue(l).build();
      case Double d -> AnyValue.newBuilder().setDoubleValue(d).build();
      default -> AnyValue.newBuilder().setStringValue(String.valueOf(o)).build();
    };
  }
}
