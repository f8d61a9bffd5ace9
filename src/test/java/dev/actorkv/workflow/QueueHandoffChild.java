package dev.actorkv.workflow;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Child JVM of {@link QueueHandoffTest}: receives the actor's messages in a workflow until killed. */
public final class QueueHandoffChild {
  private QueueHandoffChild() {}

  public static void main(String[] args) throws Exception {
    try (ActorStore store = ActorStore.open(Path.of(args[0]))) {
      var actor = store.actor("inbox");
      ActorQueue queue = ActorQueue.open(actor);
      WorkflowEngine e = WorkflowEngine.open(actor, WorkflowOptions.defaults(), queue);
      System.out.println("DONE " + e.run(workflow(Integer.parseInt(args[1]), true), 0));
    }
  }

  /**
   * Receives messages 1..3 at a time until {@code total} arrived; returns their ids joined by commas.
   * With {@code slow}, waits a little after each receive and prints what it got, so a SIGKILL lands
   * mid-run.
   */
  static Workflow<Integer, String> workflow(int total, boolean slow) {
    return Workflow.of(Integer.class, String.class, (ctx, in) ->
        ctx.loop("inbox", new LoopOptions(3, 2), "", WorkflowCodecs.utf8(), WorkflowCodecs.utf8(), (c, got) -> {
          int n = got.isEmpty() ? 0 : got.split(",").length;
          int want = 1 + n % 3;
          List<Message> ms = c.receive("take", List.of("job"), want, Duration.ZERO);
          StringBuilder sb = new StringBuilder(got);
          for (Message m : ms) {
            sb.append(sb.isEmpty() ? "" : ",").append(m.id());
          }
          if (slow) {
            System.out.println("GOT " + ms.size());
            System.out.flush();
            Thread.sleep(15);
          }
          String next = sb.toString();
          return next.split(",").length >= total ? LoopResult.done(next) : LoopResult.next(next);
        }));
  }
}
