package dev.actorkv.tool;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import dev.actorkv.workflow.WorkflowNamespaceAudit;
import dev.actorkv.workflow.Branch;
import dev.actorkv.workflow.LoopOptions;
import dev.actorkv.workflow.LoopResult;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowCodecs;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowOutcome;
import java.util.List;

/** The workflow namespace for the tool: the workflow's own audit, and the demo actor's workflow. */
final class WorkflowInspector implements NamespaceInspector {
  @Override
  public NamespaceAudit audit() {
    return new WorkflowNamespaceAudit();
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
