package dev.actorkv.traces;

import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * One span as read back: the OTLP span (ids, times, attributes, events, links, status) with the resource
 * and instrumentation scope it was recorded under. {@code span.getEndTimeUnixNano()} is 0 while the span
 * is still open as far as the chunks read know.
 */
public record StoredSpan(Resource resource, InstrumentationScope scope, Span span) {
  public SpanKey key() {
    return new SpanKey(span.getTraceId(), span.getSpanId());
  }

  public boolean ended() {
    return span.getEndTimeUnixNano() != 0;
  }
}
