package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class OtlpTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static List<StoredSpan> sample() {
    Resource other = Resource.newBuilder().addAttributes(TestSpans.attr("service.name", "other")).build();
    InstrumentationScope scope2 = InstrumentationScope.newBuilder().setName("second").build();
    return List.of(
        new StoredSpan(RESOURCE, SCOPE, TestSpans.completed(1, T0 + 1, T0 + 2)),
        new StoredSpan(RESOURCE, scope2, TestSpans.completed(2, T0 + 3, T0 + 4)),
        new StoredSpan(other, SCOPE, TestSpans.started(3, T0 + 5)),
        new StoredSpan(RESOURCE, SCOPE, TestSpans.completed(4, T0 + 6, T0 + 7)));
  }

  @Test
  void groupsByResourceThenScope() throws Exception {
    TracesData d = Otlp.tracesData(sample());
    assertEquals(2, d.getResourceSpansCount());
    assertEquals(RESOURCE, d.getResourceSpans(0).getResource());
    assertEquals(2, d.getResourceSpans(0).getScopeSpansCount());
    assertEquals(2, d.getResourceSpans(0).getScopeSpans(0).getSpansCount());
    assertEquals(1, d.getResourceSpans(1).getScopeSpans(0).getSpansCount());
    ExportTraceServiceRequest req = Otlp.exportRequest(sample());
    assertEquals(d.getResourceSpansList(), req.getResourceSpansList());
    assertEquals(d, TracesData.parseFrom(d.toByteArray()));
  }

  @Test
  void jsonFollowsTheOtlpEncodingRules() throws Exception {
    TracesData d = Otlp.tracesData(sample());
    String json = Otlp.toJson(d);
    JsonNode span = MAPPER.readTree(json).get("resourceSpans").get(0).get("scopeSpans").get(0).get("spans").get(0);
    Span proto = d.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertEquals(SpanKey.hex().encode(proto.getTraceId().toByteArray()), span.get("traceId").asText());
    assertEquals(32, span.get("traceId").asText().length());
    assertEquals(16, span.get("spanId").asText().length());
    assertEquals(16, span.get("parentSpanId").asText().length());
    assertTrue(span.get("traceId").asText().matches("[0-9a-f]{32}"));
    assertEquals(32, span.get("links").get(0).get("traceId").asText().length());
    assertTrue(span.get("kind").isInt());
    assertEquals(2, span.get("kind").asInt());
    assertTrue(span.get("status").get("code").isInt());
    assertTrue(span.get("startTimeUnixNano").isTextual());
    assertEquals(Long.toString(T0 + 1), span.get("startTimeUnixNano").asText());
    assertTrue(span.get("events").get(0).get("timeUnixNano").isTextual());
    assertTrue(span.has("droppedAttributesCount"));
    // Non-id bytes stay base64, as the OTLP JSON rules say.
    JsonNode bytesAttr = null;
    for (JsonNode a : span.get("attributes")) {
      if (a.get("key").asText().equals("bytes")) {
        bytesAttr = a.get("value").get("bytesValue");
      }
    }
    assertEquals(java.util.Base64.getEncoder().encodeToString("raw1".getBytes()), bytesAttr.asText());
    assertFalse(json.contains("trace_id"));
    assertFalse(json.contains("\n"));
  }

  @Test
  void jsonParsesBackToTheProtoExport() {
    TracesData d = Otlp.tracesData(sample());
    assertEquals(d, Otlp.tracesDataFromJson(Otlp.toJson(d)));
    ExportTraceServiceRequest req = Otlp.exportRequest(sample());
    assertEquals(req, Otlp.exportRequestFromJson(Otlp.toJson(req)));
  }

  @Test
  void parsingWithProtobufJsonFormatAfterConvertingHexIdsBack() throws Exception {
    // What a generic consumer does: hex ids back to base64, then protobuf's own JsonFormat parser.
    TracesData d = Otlp.tracesData(sample());
    com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(Otlp.toJson(d));
    hexToBase64(tree);
    TracesData.Builder b = TracesData.newBuilder();
    com.google.protobuf.util.JsonFormat.parser().merge(MAPPER.writeValueAsString(tree), b);
    assertEquals(d, b.build());
  }

  private static void hexToBase64(JsonNode node) {
    if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      var it = o.fields();
      List<String> ids = new ArrayList<>();
      while (it.hasNext()) {
        var f = it.next();
        if (List.of("traceId", "spanId", "parentSpanId").contains(f.getKey())) {
          ids.add(f.getKey());
        } else {
          hexToBase64(f.getValue());
        }
      }
      for (String k : ids) {
        o.put(k, java.util.Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(o.get(k).asText())));
      }
    } else if (node != null && node.isArray()) {
      node.forEach(OtlpTest::hexToBase64);
    }
  }

  @Test
  void badHexIdIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> Otlp.tracesDataFromJson(
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"zz\"}]}]}]}"));
    assertThrows(IllegalArgumentException.class, () -> Otlp.tracesDataFromJson("{not json"));
  }

  @Property(tries = 100)
  void jsonRoundTripOfRandomSpans(@ForAll("spans") List<StoredSpan> spans) {
    TracesData d = Otlp.tracesData(spans);
    assertEquals(d, Otlp.tracesDataFromJson(Otlp.toJson(d)));
  }

  @Provide
  Arbitrary<List<StoredSpan>> spans() {
    Arbitrary<ByteString> trace = Arbitraries.bytes().array(byte[].class).ofSize(16)
        .filter(b -> !java.util.Arrays.equals(b, new byte[16])).map(ByteString::copyFrom);
    Arbitrary<ByteString> spanId = Arbitraries.bytes().array(byte[].class).ofSize(8)
        .filter(b -> !java.util.Arrays.equals(b, new byte[8])).map(ByteString::copyFrom);
    Arbitrary<AnyValue> value = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(20).map(s -> AnyValue.newBuilder().setStringValue(s).build()),
        Arbitraries.longs().map(l -> AnyValue.newBuilder().setIntValue(l).build()),
        Arbitraries.doubles().map(x -> AnyValue.newBuilder().setDoubleValue(x).build()),
        Arbitraries.of(true, false).map(x -> AnyValue.newBuilder().setBoolValue(x).build()),
        Arbitraries.bytes().array(byte[].class).ofMaxSize(10)
            .map(x -> AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(x)).build()));
    Arbitrary<KeyValue> attr = Combinators.combine(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8), value)
        .as((k, v) -> KeyValue.newBuilder().setKey(k).setValue(v).build());
    Arbitrary<Span> span = Combinators.combine(trace, spanId, Arbitraries.longs(), Arbitraries.longs(),
            attr.list().ofMaxSize(4), Arbitraries.integers().between(0, 5), Arbitraries.strings().ofMaxLength(10))
        .as((t, s, start, end, attrs, kind, name) -> Span.newBuilder().setTraceId(t).setSpanId(s)
            .setStartTimeUnixNano(start).setEndTimeUnixNano(end).addAllAttributes(attrs)
            .setKindValue(kind).setName(name).build());
    return span.map(s -> new StoredSpan(RESOURCE, SCOPE, s)).list().ofMaxSize(5);
  }
}
