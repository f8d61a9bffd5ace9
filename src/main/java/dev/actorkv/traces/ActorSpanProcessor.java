package dev.actorkv.traces;

import io.opentelemetry.context.Context;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OpenTelemetry SDK span processor recording sampled spans into an actor's traces: the start when a
 * span starts (so a long-running span is readable, and snapshotted into later buckets with its current
 * attributes and events, while it runs) and its final state when it ends. Register it on an
 * {@code SdkTracerProvider}; instrumented code uses the plain OpenTelemetry API.
 *
 * <p>Recording never throws into instrumented code: a refused span (buffer full, too large) is counted in
 * {@link #refusedSpans()}, the error kept in {@link #lastRefusal()} and logged through {@link System.Logger}
 * (logger {@code dev.actorkv.traces.ActorSpanProcessor}). {@link #forceFlush()} and
 * {@link #shutdown()} flush the traces (shutdown closes them when {@code closeOnShutdown}).
 */
public final class ActorSpanProcessor implements SpanProcessor {
  private static final System.Logger LOG = System.getLogger(ActorSpanProcessor.class.getName());

  private final ActorTraces traces;
  private final boolean closeOnShutdown;
  private final AtomicLong refused = new AtomicLong();
  private final Memo<io.opentelemetry.sdk.resources.Resource, Resource> resources = new Memo<>(SpanDataConverter::resource);
  private final Memo<io.opentelemetry.sdk.common.InstrumentationScopeInfo, InstrumentationScope> scopes =
      new Memo<>(SpanDataConverter::scope);
  private volatile RuntimeException lastRefusal;

  private ActorSpanProcessor(ActorTraces traces, boolean closeOnShutdown) {
    this.traces = Objects.requireNonNull(traces, "traces");
    this.closeOnShutdown = closeOnShutdown;
  }

  /** A processor that flushes {@code traces} on shutdown and leaves closing them to the caller. */
  public static ActorSpanProcessor create(ActorTraces traces) {
    return new ActorSpanProcessor(traces, false);
  }

  /** A processor that closes {@code traces} when the tracer provider shuts down. */
  public static ActorSpanProcessor closingOnShutdown(ActorTraces traces) {
    return new ActorSpanProcessor(traces, true);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    try {
      // The data as started is an immutable snapshot; it is converted only if the start record is
      // written at all (most spans end before their chunk seals, and the end record replaces the start).
      var data = span.toSpanData();
      traces.startDeferred(SpanDataConverter.key(data), resources.get(data.getResource()),
          scopes.get(data.getInstrumentationScopeInfo()), data.getStartEpochNanos(),
          () -> SpanDataConverter.spanWithoutIds(data), () -> SpanDataConverter.spanWithoutIds(span.toSpanData()));
    } catch (RuntimeException e) {
      refuse(e);
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    if (!span.getSpanContext().isSampled()) {
      return;
    }
    try {
      var data = span.toSpanData();
      // Encoded straight from the SDK's data: no OTLP messages are built for a finished span.
      traces.end(SpanDataConverter.key(data), resources.get(data.getResource()),
          scopes.get(data.getInstrumentationScopeInfo()), data.getStartEpochNanos(),
          data.hasEnded() ? data.getEndEpochNanos() : 0, SpanDataEncoder.encodeWithoutIds(data));
    } catch (RuntimeException e) {
      refuse(e);
    }
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  private void refuse(RuntimeException e) {
    long n = refused.incrementAndGet();
    lastRefusal = e;
    // The first refusal is a WARNING, later ones DEBUG: closed or full traces refuse every span, and a
    // warning per span would flood the application's log; the count stays in refusedSpans().
    LOG.log(n == 1 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
        () -> "actor traces refused a span (" + n + " refused so far): " + e.getMessage(), e);
  }

  /** Spans (starts or ends) the traces refused since this processor was created. */
  public long refusedSpans() {
    return refused.get();
  }

  public RuntimeException lastRefusal() {
    return lastRefusal;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return SdkCalls.flush(traces);
  }

  @Override
  public CompletableResultCode shutdown() {
    return SdkCalls.shutdown(traces, closeOnShutdown);
  }
}
