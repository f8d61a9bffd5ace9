package dev.actorkv.traces;

import dev.actorkv.traces.proto.SpanUpdate;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;

/** One record waiting in the write buffer, before a chunk gives it dictionary indices. */
record Entry(SpanKey key, long timeNanos, Body body) {
  enum StateKind { START, SNAPSHOT, END }

  sealed interface Body permits State, Update, Event {}

  /** A whole span; {@code span} has empty ids (the entry's key holds them). */
  record State(StateKind kind, Resource resource, InstrumentationScope scope, Span span) implements Body {}

  record Update(SpanUpdate update) implements Body {}

  record Event(Span.Event event) implements Body {}
}
