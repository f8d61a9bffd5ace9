package dev.actorkv.workflow;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import dev.actorkv.tuple.Utf8;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.WorkflowError;
import dev.actorkv.workflow.proto.WorkflowStateValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workflow namespace for tools: names, history entries, entry metadata and fields decoded (the
 * protobuf messages in their JSON form; input and output, which are the workflow's own codec's bytes, as hex
 * and as text when UTF-8), and the workflow's invariants ({@link WorkflowAudit}).
 */
public final class WorkflowNamespaceAudit implements NamespaceAudit {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
  /** Integers and decimals kept exact, as a tool prints them. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @Override
  public Namespace namespace() {
    return Namespace.WORKFLOW;
  }

  @Override
  public Object describeValue(KeyDescription key, byte[] value) {
    try {
      return switch (key) {
        case KeyDescription.WorkflowName n -> Map.of("name", utf8(value));
        case KeyDescription.WorkflowHistory h -> proto(HistoryEntry.parseFrom(value));
        case KeyDescription.WorkflowEntryMetadata m -> proto(EntryMetadata.parseFrom(value));
        case KeyDescription.WorkflowFieldKey f -> switch (f.field()) {
          case STATE -> proto(WorkflowStateValue.parseFrom(value));
          case ERROR -> proto(WorkflowError.parseFrom(value));
          case INPUT, OUTPUT, VERSION -> rawValue(value);
        };
        default -> throw new IllegalArgumentException("not a workflow key: " + key);
      };
    } catch (InvalidProtocolBufferException e) {
      throw new WorkflowHistoryCorruptException("workflow value does not decode: " + e.getMessage(), e);
    }
  }

  @Override
  public List<String> problems(ActorKeyspace actor) {
    return WorkflowAudit.problems(actor);
  }

  /** Input and output are bytes of the workflow's own codec: shown as hex, and as text when UTF-8. */
  private static Map<String, Object> rawValue(byte[] value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bytes", HexFormat.of().formatHex(value));
    if (Utf8.firstInvalid(value) < 0) {
      m.put("utf8", new String(value, StandardCharsets.UTF_8));
    }
    return m;
  }

  private static String utf8(byte[] value) {
    if (Utf8.firstInvalid(value) >= 0) {
      throw new IllegalArgumentException("not valid UTF-8");
    }
    return new String(value, StandardCharsets.UTF_8);
  }

  private static Map<String, Object> proto(Message m) {
    try {
      return JSON.readValue(PRINTER.print(m), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("protobuf JSON did not parse: " + e.getMessage(), e);
    }
  }
}
