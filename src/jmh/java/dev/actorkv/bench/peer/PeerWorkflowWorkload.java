package dev.actorkv.bench.peer;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowOutcome;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The workflow workload of bench/peer/workflow.mjs: a workflow of STEPS steps that then sleeps an
 * hour, run once (recording every step), then run again by a fresh engine that loads the history and
 * replays every step up to the same sleep. Usage: DB STEPS
 */
public final class PeerWorkflowWorkload {
  private PeerWorkflowWorkload() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int steps = Integer.parseInt(args[1]);
    Workflow<Integer, Long> workflow = Workflow.of(Integer.class, Long.class, (ctx, n) -> {
      long sum = 0;
      for (int i = 0; i < n; i++) {
        long v = i * 2L;
        sum += ctx.step("step-" + i, Long.class, () -> v);
      }
      ctx.sleep("wait", Duration.ofHours(1));
      return sum;
    });
    long start = System.nanoTime();
    String first;
    String replay;
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("peer-bench");
      first = kind(WorkflowEngine.open(actor).run(workflow, steps));
      replay = kind(WorkflowEngine.open(actor).run(workflow, steps));
    }
    PeerReport.print("workflow", start, "\"steps\":" + steps + ",\"first\":\"" + first + "\",\"replay\":\"" + replay + "\"");
  }

  private static String kind(WorkflowOutcome<Long> outcome) {
    return switch (outcome) {
      case WorkflowOutcome.Sleeping<Long> s -> "sleeping";
      case WorkflowOutcome.Completed<Long> c -> "completed";
      case WorkflowOutcome.Failed<Long> f -> "failed: " + f.error();
      case WorkflowOutcome.WaitingForMessages<Long> w -> "waiting";
      case WorkflowOutcome.Cancelled<Long> c -> "cancelled";
    };
  }
}
