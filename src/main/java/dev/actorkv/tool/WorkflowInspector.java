package dev.actorkv.tool;

import com.fasterxml.jackson.core.type.TypeReference;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.tuple.Utf8;
import dev.actorkv.workflow.Branch;
import dev.actorkv.workflow.LoopOptions;
import dev.actorkv.workflow.LoopResult;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowAudit;
import dev.actorkv.workflow.WorkflowCodecs;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowHistory;
import dev.actorkv.workflow.WorkflowOutcome;
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

/** The workflow namespace for the tool: decoded values, invariants, and the demo actor's workflow. */
final class WorkflowInspector implements NamespaceInspector {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  @Override
  public Namespace namespace() {
    return Namespace.WORKFLOW;
  }

  @Override
  public Object decodeValue(KeyDescription key, byte[] value) {
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
      throw new IllegalArgumentException("workflow value does not decode: " + e.getMessage(), e);
    }
  }

  /** Input and output are bytes of the workflow's own codec: shown as hex, and as text when UTF-8. */
  private static Map<String, Object> rawValue(byte[] value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bytes", HexFormat.of().formatHex(value));
    try {
      m.put("utf8", utf8(value));
    } catch (IllegalArgumentException notText) {
      // Binary: hex only.
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
      return Json.MAPPER.readValue(PRINTER.print(m), new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (IOException e) {
      throw new IllegalStateException("protobuf JSON did not parse: " + e.getMessage(), e);
    }
  }

  @Override
  public void check(ActorKeyspace actor, CheckReport report) {
    for (String problem : WorkflowAudit.problems(actor)) {
      report.problem(actor.actorId(), problem);
    }
  }

  /** How long the demo workflow sleeps after its steps, on its wake-up alarm. */
  static final java.time.Duration FOLLOW_UP = java.time.Duration.ofDays(7);

  @Override
  public void writeDemo(ActorKeyspace actor) {
    Workflow<String, String> demo = Workflow.of(String.class, String.class, (ctx, order) -> {
      String customer = ctx.step("lookup-customer", String.class, () -> "customer of " + order);
      Long total = ctx.loop("add-items", new LoopOptions(2, 2), 0L, WorkflowCodecs.of(Long.class), WorkflowCodecs.of(Long.class),
          (c, sum) -> {
            long price = c.step("price", Long.class, () -> 10L);
            return sum + price >= 30 ? LoopResult.done(sum + price) : LoopResult.next(sum + price);
          });
      var shipped = ctx.join("ship", List.of(
          Branch.of("pack", String.class, c -> c.step("box", String.class, () -> "boxed")),
          Branch.of("label", String.class, c -> c.step("print", String.class, () -> "labelled"))));
      // Sleeps on a durable alarm (WorkflowAlarms.WAKE_ALARM), which `keyspace alarms` lists.
      ctx.sleep("follow-up", FOLLOW_UP);
      return customer + ": " + total + " (" + shipped.get("pack") + ", " + shipped.get("label") + ")";
    });
    WorkflowOutcome<String> out = WorkflowEngine.open(actor).run(demo, "order-1");
    if (!(out instanceof WorkflowOutcome.Sleeping<String>)) {
      throw new IllegalStateException("demo workflow does not sleep: " + out);
    }
  }
}
