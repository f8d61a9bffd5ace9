package dev.actorkv.tool;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import dev.actorkv.traces.TracesNamespaceAudit;
import dev.actorkv.traces.ActorSpanProcessor;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.TracesOptions;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** The traces namespace for the tool: the traces' own audit, and demo spans. */
final class TracesInspector implements NamespaceInspector {
  @Override
  public NamespaceAudit audit() {
    return new TracesNamespaceAudit();
  }

  /** A request span with a child (attributes, an event, a link, an error status), through the OpenTelemetry API. */
  @Override
  public void writeDemo(ActorKeyspace actor) {
    try (ActorTraces traces = ActorTraces.open(actor, TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "keyspace-demo")))
          .addSpanProcessor(ActorSpanProcessor.create(traces))
          .build();
      Tracer tracer = provider.get("dev.actorkv.demo", "1.0");
      Span request = tracer.spanBuilder("handle-request").setSpanKind(SpanKind.SERVER)
          .setAttribute("actor.id", actor.actorId()).startSpan();
      Scope current = request.makeCurrent();
      try {
        Span query = tracer.spanBuilder("sqlite-query").setSpanKind(SpanKind.CLIENT)
            .addLink(request.getSpanContext()).startSpan();
        query.setAttribute("db.statement", "SELECT * FROM items");
        query.addEvent("rows", Attributes.of(AttributeKey.longKey("count"), 3L));
        query.setStatus(StatusCode.ERROR, "demo error");
        query.end();
      } finally {
        current.close();
      }
      request.setStatus(StatusCode.OK);
      request.end();
      provider.shutdown().join(10, TimeUnit.SECONDS);
    }
  }
}
