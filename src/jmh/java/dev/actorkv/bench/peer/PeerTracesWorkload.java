package dev.actorkv.bench.peer;

import dev.actorkv.store.ActorStore;
import dev.actorkv.traces.ActorSpanProcessor;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.TraceRead;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.nio.file.Path;

/**
 * The span workload of bench/peer/traces.mjs through the standard OpenTelemetry API into an actor's
 * traces: SPANS spans with three attributes and one event each, then one range read of everything.
 * Usage: DB SPANS
 */
public final class PeerTracesWorkload {
  private static final AttributeKey<String> ACTOR = AttributeKey.stringKey("actor.id");
  private static final AttributeKey<Long> INDEX = AttributeKey.longKey("op.index");
  private static final AttributeKey<String> KIND = AttributeKey.stringKey("op.kind");
  private static final AttributeKey<Long> STEP = AttributeKey.longKey("step");

  private PeerTracesWorkload() {}

  /**
   * The workload's ingest: {@code spans} spans through the OpenTelemetry SDK into {@code traces}, each
   * with three attributes and one event, flushed every 1000 spans and at the end.
   */
  public static void emit(ActorTraces traces, String actorId, int spans) {
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(ActorSpanProcessor.create(traces)).build()) {
      Tracer tracer = provider.get(actorId);
      for (int i = 0; i < spans; i++) {
        Span span = tracer.spanBuilder("op-" + (i % 10))
            .setAllAttributes(Attributes.of(ACTOR, actorId, INDEX, (long) i, KIND, "bench"))
            .startSpan();
        span.addEvent("checkpoint", Attributes.of(STEP, (long) i));
        span.setStatus(StatusCode.OK);
        span.end();
        if (i % 1000 == 999) {
          traces.flush();
        }
      }
    }
    traces.flush();
  }

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int spans = Integer.parseInt(args[1]);
    long start = System.nanoTime();
    int read;
    try (ActorStore store = ActorStore.open(dir); ActorTraces traces = ActorTraces.open(store.actor("peer-bench"))) {
      long t0 = System.currentTimeMillis();
      emit(traces, "peer-bench", spans);
      // The reference caps one read at 10 000 spans (its maxReadLimit); read the same number.
      TraceRead result = traces.read((t0 - 1000) * 1_000_000L, (System.currentTimeMillis() + 1000) * 1_000_000L, Math.min(spans, 10_000));
      read = result.spans().size();
    }
    PeerReport.print("traces", start, "\"spans\":" + spans + ",\"read\":" + read);
  }
}
