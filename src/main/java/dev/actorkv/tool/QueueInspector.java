package dev.actorkv.tool;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.NewMessage;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import dev.actorkv.queue.QueueNamespaceAudit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** The queue namespace for the tool: the queue's own audit, and the demo's messages. */
final class QueueInspector implements NamespaceInspector {
  @Override
  public NamespaceAudit audit() {
    return new QueueNamespaceAudit();
  }

  @Override
  public void writeDemo(ActorKeyspace actor) throws Exception {
    try (ActorQueue queue = ActorQueue.open(actor)) {
      queue.enqueue("email", "welcome alice".getBytes(StandardCharsets.UTF_8));
      queue.enqueueAll(List.of(
          new NewMessage("resize", "{\"image\":\"cat.png\",\"width\":128}".getBytes(StandardCharsets.UTF_8)),
          new NewMessage("resize", "{\"image\":\"dog.png\",\"width\":256}".getBytes(StandardCharsets.UTF_8))));
      queue.enqueue("email", "welcome bob".getBytes(StandardCharsets.UTF_8));
      // One email handled and completed, one resize job in flight (leased), two waiting.
      for (Message m : queue.receiveCompletable(List.of("email"), 1, Duration.ZERO)) {
        queue.complete(m, "sent".getBytes(StandardCharsets.UTF_8));
      }
      queue.receiveCompletable(List.of("resize"), 1, Duration.ZERO);
    }
  }
}
