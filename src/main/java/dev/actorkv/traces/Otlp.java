package dev.actorkv.traces;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.io.BaseEncoding;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.TracesData;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OTLP export of spans read from an actor's traces: as protobuf messages ({@link TracesData}, or the
 * collector's {@link ExportTraceServiceRequest}) and as OTLP/JSON.
 *
 * <p>OTLP/JSON is protobuf's JSON mapping with the OTLP rules on top: lowerCamelCase field names, enums as
 * integers, 64-bit integers as decimal strings, and trace and span ids as lowercase hex instead of base64
 * (other bytes values stay base64). {@link #fromJson} accepts that encoding and also the plain protobuf
 * mapping (enum names, base64 ids are not accepted for id fields), and ignores unknown fields, as an OTLP
 * receiver must.
 */
public final class Otlp {
  /** The fields OTLP/JSON writes as hex: Span.trace_id, span_id, parent_span_id and Span.Link's ids. */
  private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId");
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

  private Otlp() {}

  /** Spans grouped by resource, then by scope, each group in order of first appearance. */
  public static TracesData tracesData(List<StoredSpan> spans) {
    Map<Resource, Map<InstrumentationScope, ScopeSpans.Builder>> groups = new LinkedHashMap<>();
    for (StoredSpan s : spans) {
      groups.computeIfAbsent(s.resource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(s.scope(), sc -> ScopeSpans.newBuilder().setScope(sc))
          .addSpans(s.span());
    }
    TracesData.Builder out = TracesData.newBuilder();
    groups.forEach((resource, scopes) -> {
      ResourceSpans.Builder rs = ResourceSpans.newBuilder().setResource(resource);
      scopes.values().forEach(rs::addScopeSpans);
      out.addResourceSpans(rs);
    });
    return out.build();
  }

  /** The request an OTLP exporter would send to a collector for {@code spans}. */
  public static ExportTraceServiceRequest exportRequest(List<StoredSpan> spans) {
    return ExportTraceServiceRequest.newBuilder().addAllResourceSpans(tracesData(spans).getResourceSpansList()).build();
  }

  /**
   * OTLP/JSON of {@code message} (a TracesData, an ExportTraceServiceRequest or any OTLP trace message;
   * also used for this library's own chunk values, whose id fields carry the same names).
   */
  public static String toJson(MessageOrBuilder message) {
    try {
      JsonNode tree = MAPPER.readTree(PRINTER.print(message));
      convertIds(tree, true);
      return MAPPER.writeValueAsString(tree);
    } catch (InvalidProtocolBufferException | JsonProcessingException e) {
      throw new IllegalStateException("OTLP message does not print as JSON: " + e.getMessage(), e);
    }
  }

  /** Parses OTLP/JSON into {@code builder}'s message type. */
  @SuppressWarnings("unchecked")
  public static <M extends Message> M fromJson(String json, M.Builder builder) {
    try {
      JsonNode tree = MAPPER.readTree(json);
      convertIds(tree, false);
      PARSER.merge(MAPPER.writeValueAsString(tree), builder);
      return (M) builder.build();
    } catch (JsonProcessingException | InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not OTLP/JSON: " + e.getMessage(), e);
    }
  }

  public static TracesData tracesDataFromJson(String json) {
    return fromJson(json, TracesData.newBuilder());
  }

  public static ExportTraceServiceRequest exportRequestFromJson(String json) {
    return fromJson(json, ExportTraceServiceRequest.newBuilder());
  }

  private static void convertIds(JsonNode node, boolean toHex) {
    if (node instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> f : o.properties()) {
        if (ID_FIELDS.contains(f.getKey()) && f.getValue().isTextual()) {
          String v = f.getValue().asText();
          f.setValue(o.textNode(toHex ? HEX.encode(BaseEncoding.base64().decode(v)) : base64OfHex(f.getKey(), v)));
        } else {
          convertIds(f.getValue(), toHex);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode n : a) {
        convertIds(n, toHex);
      }
    }
  }

  private static String base64OfHex(String field, String hex) {
    try {
      return BaseEncoding.base64().encode(HEX.decode(hex.toLowerCase(java.util.Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("OTLP/JSON field " + field + " is not hex: \"" + hex + "\"", e);
    }
  }
}
