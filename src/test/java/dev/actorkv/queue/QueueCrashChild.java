package dev.actorkv.queue;

import dev.actorkv.store.ActorStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Child process of {@link QueueCrashTest}: enqueues, receives and completes in a loop until killed,
 * printing each acknowledgement only after the call returned: {@code E id} enqueued, {@code R id}
 * received with a lease, {@code C id} completed, {@code d} before a consuming receive and {@code D id}
 * after it.
 */
public final class QueueCrashChild {
  private QueueCrashChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    try (ActorStore store = ActorStore.open(Path.of(args[0]))) {
      ActorQueue q = ActorQueue.open(store.actor(QueueCrashTest.ACTOR), QueueCrashTest.OPTIONS);
      out.println("OPEN " + q.size());
      out.flush();
      for (long i = 0; ; i++) {
        if (i % 3 == 0) {
          for (Message m : q.enqueueAll(List.of(new NewMessage("bulk", body(i)), new NewMessage("bulk", body(i + 1))))) {
            out.println("E " + m.id());
          }
        } else {
          out.println("E " + q.enqueue("one", body(i)).id());
        }
        out.flush();
        for (Message m : q.receiveCompletable(List.of(), 1, Duration.ZERO)) {
          out.println("R " + m.id());
          out.flush();
          q.complete(m, null);
          out.println("C " + m.id());
          out.flush();
        }
        if (i % 4 == 0) {
          out.println("d");
          out.flush();
          for (Message m : q.receive(List.of("bulk"), 1, Duration.ZERO)) {
            out.println("D " + m.id());
          }
          out.flush();
        }
      }
    }
  }

  private static byte[] body(long i) {
    return ("payload-" + i).repeat(8).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
