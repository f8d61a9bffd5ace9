package dev.actorkv.traces;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The direct encoder writes exactly the bytes of the converted span's generated serializer. */
class SpanDataEncoderTest {
  /** Captures the SDK's data of every span as it ends, and as it starts (not ended yet). */
  static final class Capture implements SpanProcessor {
    final List<SpanData> data = new ArrayList<>();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      data.add(span.toSpanData());
    }

    @Override
    public boolean isStartRequired() {
      return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      data.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  /** {@code context}: bit 0 a remote parent (else none), bit 1 a trace state. */
  record Spec(List<Object> attributes, List<String> events, int links, String status, int kind, int context,
      String name, long time) {
    boolean remoteParent() {
      return (context & 1) != 0;
    }

    String traceState() {
      return (context & 2) != 0 ? "abc" : "";
    }
  }

  @Property(tries = 300)
  void encodesAsTheConvertedSpanSerializes(@ForAll("specs") Spec spec, @ForAll @IntRange(min = 1, max = 8) int limit) {
    Capture capture = new Capture();
    // Small limits make the SDK drop attributes, events and links, so the dropped counts are set.
    try (SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(capture)
        .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(limit).setMaxNumberOfEvents(limit)
            .setMaxNumberOfLinks(limit).setMaxNumberOfAttributesPerEvent(limit).setMaxNumberOfAttributesPerLink(limit)
            .build())
        .build()) {
      Tracer tracer = provider.get("encoder-test");
      TraceState ts = spec.traceState().isEmpty() ? TraceState.getDefault()
          : TraceState.builder().put("vendor", spec.traceState()).put("other", "1").build();
      SpanContext parent = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
          TraceFlags.getSampled(), ts);
      SpanBuilder b = tracer.spanBuilder(spec.name())
          .setSpanKind(SpanKind.values()[spec.kind() % SpanKind.values().length])
          .setStartTimestamp(spec.time(), TimeUnit.NANOSECONDS)
          .setAllAttributes(attributes(spec.attributes()));
      if (spec.remoteParent()) {
        b.setParent(Context.root().with(io.opentelemetry.api.trace.Span.wrap(SpanContext.createFromRemoteParent(
            parent.getTraceId(), parent.getSpanId(), TraceFlags.getSampled(), ts))));
      } else {
        b.setNoParent();
      }
      for (int i = 0; i < spec.links(); i++) {
        b.addLink(SpanContext.create("0af7651916cd43dd8448eb211c8031" + String.format("%02x", i + 1),
            "00000000000000" + String.format("%02x", i + 1), i % 2 == 0 ? TraceFlags.getSampled() : TraceFlags.getDefault(),
            ts), attributes(spec.attributes().subList(0, Math.min(i, spec.attributes().size()))));
      }
      io.opentelemetry.api.trace.Span span = b.startSpan();
      for (String e : spec.events()) {
        span.addEvent(e, attributes(spec.attributes().subList(0, Math.min(e.length(), spec.attributes().size()))),
            spec.time() + e.length(), TimeUnit.NANOSECONDS);
      }
      switch (spec.status()) {
        case "" -> { }
        case "ok" -> span.setStatus(StatusCode.OK);
        default -> span.setStatus(StatusCode.ERROR, spec.status());
      }
      span.end(spec.time() + 1000, TimeUnit.NANOSECONDS);
    }
    assertEquals(2, capture.data.size());
    for (SpanData d : capture.data) {
      assertArrayEquals(SpanDataConverter.spanWithoutIds(d).toByteArray(), SpanDataEncoder.encodeWithoutIds(d));
    }
  }

  private static Attributes attributes(List<Object> values) {
    AttributesBuilder a = Attributes.builder();
    for (int i = 0; i < values.size(); i++) {
      String key = i % 5 == 4 ? "" : "k" + i;
      switch (values.get(i)) {
        case String s -> a.put(AttributeKey.stringKey(key), s);
        case Long l -> a.put(AttributeKey.longKey(key), l);
        case Boolean x -> a.put(AttributeKey.booleanKey(key), x);
        case Double x -> a.put(AttributeKey.doubleKey(key), x);
        case Integer n -> {
          switch (n % 4) {
            case 0 -> a.put(AttributeKey.stringArrayKey(key), List.of("", "x".repeat(n), "\u00e9\ud83d\ude00"));
            case 1 -> a.put(AttributeKey.longArrayKey(key), List.of((long) n, 0L, -1L, Long.MIN_VALUE));
            case 2 -> a.put(AttributeKey.booleanArrayKey(key), List.of(true, false));
            default -> a.put(AttributeKey.doubleArrayKey(key), List.of(0.0, -0.0, Double.NaN, n * 1.5));
          }
        }
        default -> throw new AssertionError();
      }
    }
    return a.build();
  }

  @Provide
  Arbitrary<Spec> specs() {
    Arbitrary<Object> value = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(300).map(s -> (Object) s),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(x -> (Object) x),
        Arbitraries.doubles().map(x -> (Object) x),
        Arbitraries.integers().between(0, 200).map(n -> (Object) n));
    return net.jqwik.api.Combinators.combine(
        value.list().ofMaxSize(12),
        Arbitraries.strings().alpha().ofMaxLength(6).list().ofMaxSize(10),
        Arbitraries.integers().between(0, 10),
        Arbitraries.of("", "ok", "timeout", "\u00fcber"),
        Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 3),
        Arbitraries.strings().ofMaxLength(40),
        Arbitraries.longs().between(1, Long.MAX_VALUE / 2)).as(Spec::new);
  }
}
