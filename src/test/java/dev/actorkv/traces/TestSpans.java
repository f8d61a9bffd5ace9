package dev.actorkv.traces;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.nio.ByteBuffer;

/** Builders of OTLP spans for tests. */
final class TestSpans {
  static final long HOUR = Buckets.NANOS;
  /** 2026-11-21T00:00:00Z, an hour boundary. */
  static final long T0 = 1_795_219_200L * 1_000_000_000L;

  static final Resource RESOURCE = Resource.newBuilder()
      .addAttributes(attr("service.name", "test-actor"))
      .addAttributes(attr("host.count", 3))
      .build();
  static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder()
      .setName("dev.actorkv.test").setVersion("1.0").addAttributes(attr("scope.flag", true)).build();

  private TestSpans() {}

  static ByteString traceId(long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x0af7651916cd43ddL).putLong(n + 1).array());
  }

  static ByteString spanId(long n) {
    return ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n + 1).array());
  }

  static SpanKey key(long n) {
    return new SpanKey(traceId(n / 4), spanId(n));
  }

  static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  static KeyValue attr(String k, long v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setIntValue(v)).build();
  }

  static KeyValue attr(String k, boolean v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setBoolValue(v)).build();
  }

  /** A started span (no end time) with every kind of attribute value, a link and a parent. */
  static Span started(long n, long startNanos) {
    SpanKey k = key(n);
    return Span.newBuilder()
        .setTraceId(k.traceId())
        .setSpanId(k.spanId())
        .setParentSpanId(spanId(n + 1_000_000))
        .setTraceState("vendor=abc,other=1")
        .setFlags(0x301)
        .setName("op-" + n)
        .setKind(Span.SpanKind.SPAN_KIND_SERVER)
        .setStartTimeUnixNano(startNanos)
        .addAttributes(attr("s", "str-" + n))
        .addAttributes(attr("i", n))
        .addAttributes(attr("b", n % 2 == 0))
        .addAttributes(KeyValue.newBuilder().setKey("d").setValue(AnyValue.newBuilder().setDoubleValue(n + 0.5)))
        .addAttributes(KeyValue.newBuilder().setKey("bytes").setValue(AnyValue.newBuilder()
            .setBytesValue(ByteString.copyFromUtf8("raw" + n))))
        .addAttributes(KeyValue.newBuilder().setKey("arr").setValue(AnyValue.newBuilder().setArrayValue(
            ArrayValue.newBuilder().addValues(AnyValue.newBuilder().setIntValue(1))
                .addValues(AnyValue.newBuilder().setStringValue("two")))))
        .addAttributes(KeyValue.newBuilder().setKey("kv").setValue(AnyValue.newBuilder().setKvlistValue(
            KeyValueList.newBuilder().addValues(attr("nested", "yes")))))
        .setDroppedAttributesCount(1)
        .addLinks(Span.Link.newBuilder().setTraceId(traceId(999)).setSpanId(spanId(999)).setTraceState("l=1")
            .addAttributes(attr("link.attr", "v")).setFlags(0x101).setDroppedAttributesCount(2))
        .setDroppedLinksCount(3)
        .build();
  }

  /** {@link #started} ended at {@code endNanos} with an event and an error status. */
  static Span completed(long n, long startNanos, long endNanos) {
    return started(n, startNanos).toBuilder()
        .setEndTimeUnixNano(endNanos)
        .addEvents(Span.Event.newBuilder().setName("ev").setTimeUnixNano(startNanos).addAttributes(attr("e", 1L))
            .setDroppedAttributesCount(4))
        .setDroppedEventsCount(5)
        .setStatus(Status.newBuilder().setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom"))
        .build();
  }
}
