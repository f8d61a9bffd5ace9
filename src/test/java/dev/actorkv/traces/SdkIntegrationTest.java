package dev.actorkv.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Code instrumented with the plain OpenTelemetry API records into an actor's traces. */
class SdkIntegrationTest {
  @TempDir Path dir;

  /** Collects what the SDK reports, to compare with what the traces store. */
  static final class Collecting implements SpanExporter {
    final List<SpanData> spans = new CopyOnWriteArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> s) {
      spans.addAll(s);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  static void instrumentedWork(Tracer tracer) throws Exception {
    io.opentelemetry.api.trace.Span parent = tracer.spanBuilder("handle-request").setSpanKind(SpanKind.SERVER)
        .setAttribute("http.method", "GET").setAttribute("retries", 3L).startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      io.opentelemetry.api.trace.Span child = tracer.spanBuilder("db-query").setSpanKind(SpanKind.CLIENT)
          .addLink(parent.getSpanContext(), Attributes.of(AttributeKey.stringKey("why"), "follows"))
          .startSpan();
      child.setAttribute(AttributeKey.stringArrayKey("tables"), List.of("a", "b"));
      child.setAttribute(AttributeKey.doubleKey("ratio"), 0.25);
      child.setAttribute(AttributeKey.booleanKey("cached"), false);
      child.addEvent("rows", Attributes.of(AttributeKey.longKey("n"), 12L));
      child.setStatus(StatusCode.ERROR, "timeout");
      Thread.sleep(2);
      child.end();
    }
    parent.setStatus(StatusCode.OK);
    parent.end();
  }

  @Test
  void spanProcessorRecordsEverySpanWithAllFields() throws Exception {
    Collecting reference = new Collecting();
    try (ActorStore store = ActorStore.open(dir);
        ActorTraces traces = ActorTraces.open(store.actor("actor-1"), TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "svc"))))
          .addSpanProcessor(ActorSpanProcessor.create(traces))
          .addSpanProcessor(SimpleSpanProcessor.create(reference))
          .build();
      instrumentedWork(provider.get("dev.actorkv.sdk-test", "2.0"));
      assertTrue(provider.forceFlush().join(10, java.util.concurrent.TimeUnit.SECONDS).isSuccess());
      provider.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);

      long now = System.currentTimeMillis() * 1_000_000L;
      TraceRead read = traces.read(now - 3_600_000_000_000L, now + 1_000_000_000L, 100);
      assertEquals(2, read.spans().size());
      Map<String, StoredSpan> byId = read.spans().stream().collect(Collectors.toMap(s -> s.key().spanIdHex(), Function.identity()));
      for (SpanData d : reference.spans) {
        StoredSpan stored = byId.get(d.getSpanContext().getSpanId());
        assertEquals(SpanDataConverter.span(d), stored.span());
        assertEquals(d.getSpanContext().getTraceId(), stored.key().traceIdHex());
        assertEquals(SpanDataConverter.resource(d.getResource()), stored.resource());
        assertEquals("dev.actorkv.sdk-test", stored.scope().getName());
        assertEquals("2.0", stored.scope().getVersion());
      }
      StoredSpan child = read.spans().stream().filter(s -> s.span().getName().equals("db-query")).findFirst().orElseThrow();
      assertEquals(1, child.span().getEventsCount());
      assertEquals(1, child.span().getLinksCount());
      assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR, child.span().getStatus().getCode());
      assertFalse(child.span().getParentSpanId().isEmpty());
      // The export a collector would receive.
      assertEquals(2, Otlp.exportRequest(read.spans()).getResourceSpans(0).getScopeSpans(0).getSpansCount());
    }
  }

  @Test
  void longRunningSdkSpanIsReadableWhileItRuns() {
    try (ActorStore store = ActorStore.open(dir);
        ActorTraces traces = ActorTraces.open(store.actor("actor-1"), TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
      ActorSpanProcessor processor = ActorSpanProcessor.create(traces);
      SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(processor).build();
      io.opentelemetry.api.trace.Span running = provider.get("t").spanBuilder("long").startSpan();
      running.setAttribute("progress", 50L);
      traces.flush();
      long now = System.currentTimeMillis() * 1_000_000L;
      TraceRead read = traces.read(now - 60_000_000_000L, now + 1_000_000_000L, 10);
      assertEquals(1, read.spans().size());
      assertFalse(read.spans().getFirst().ended());
      running.end();
      provider.shutdown();
      read = traces.read(now - 60_000_000_000L, now + 1_000_000_000L, 10);
      assertTrue(read.spans().getFirst().ended());
      assertEquals("progress", read.spans().getFirst().span().getAttributes(0).getKey());
      assertEquals(0, processor.refusedSpans());
    }
  }

  @Test
  void spanExporterRecordsFinishedSpans() throws Exception {
    Collecting reference = new Collecting();
    try (ActorStore store = ActorStore.open(dir)) {
      ActorTraces traces = ActorTraces.open(store.actor("actor-2"));
      SdkTracerProvider provider = SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(ActorSpanExporter.closingOnShutdown(traces)))
          .addSpanProcessor(SimpleSpanProcessor.create(reference))
          .build();
      instrumentedWork(provider.get("exp"));
      provider.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
      try (ActorTraces again = ActorTraces.open(store.actor("actor-2"))) {
        long now = System.currentTimeMillis() * 1_000_000L;
        List<StoredSpan> spans = again.read(now - 3_600_000_000_000L, now + 1_000_000_000L, 100).spans();
        assertEquals(2, spans.size());
        for (SpanData d : reference.spans) {
          assertTrue(spans.stream().anyMatch(s -> s.span().equals(SpanDataConverter.span(d))));
        }
      }
    }
  }
}
