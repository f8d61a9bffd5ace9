package dev.actorkv.traces;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Objects;

/**
 * An OpenTelemetry SDK span exporter writing finished spans into an actor's traces, for use behind a
 * {@code SimpleSpanProcessor} or {@code BatchSpanProcessor}. Each span is one self-contained record in the
 * bucket of its end time; use {@link ActorSpanProcessor} when long-running spans must be readable while
 * they run. An export fails (result failure with the error) when any span of it is refused; the spans
 * before it in the batch are buffered.
 */
public final class ActorSpanExporter implements SpanExporter {
  private final ActorTraces traces;
  private final boolean closeOnShutdown;
  private final Memo<io.opentelemetry.sdk.resources.Resource, io.opentelemetry.proto.resource.v1.Resource> resources =
      new Memo<>(SpanDataConverter::resource);
  private final Memo<io.opentelemetry.sdk.common.InstrumentationScopeInfo, io.opentelemetry.proto.common.v1.InstrumentationScope>
      scopes = new Memo<>(SpanDataConverter::scope);

  private ActorSpanExporter(ActorTraces traces, boolean closeOnShutdown) {
    this.traces = Objects.requireNonNull(traces, "traces");
    this.closeOnShutdown = closeOnShutdown;
  }

  public static ActorSpanExporter create(ActorTraces traces) {
    return new ActorSpanExporter(traces, false);
  }

  public static ActorSpanExporter closingOnShutdown(ActorTraces traces) {
    return new ActorSpanExporter(traces, true);
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    try {
      for (SpanData d : spans) {
        // Encoded straight from the SDK's data: no OTLP messages are built for the span.
        traces.record(SpanDataConverter.key(d), resources.get(d.getResource()), scopes.get(d.getInstrumentationScopeInfo()),
            d.getStartEpochNanos(), d.hasEnded() ? d.getEndEpochNanos() : 0, SpanDataEncoder.encodeWithoutIds(d));
      }
      return CompletableResultCode.ofSuccess();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
  }

  @Override
  public CompletableResultCode flush() {
    return SdkCalls.flush(traces);
  }

  @Override
  public CompletableResultCode shutdown() {
    return SdkCalls.shutdown(traces, closeOnShutdown);
  }
}
