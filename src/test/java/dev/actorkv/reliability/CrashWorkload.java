package dev.actorkv.reliability;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.NewMessage;
import dev.actorkv.store.ActorStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child-JVM main of the crash harness: {@code DB ACKLOG SEED FIRST_OP}. Applies operations FIRST_OP,
 * FIRST_OP+1, ... of {@link CrashOps} until killed, and appends each index to ACKLOG (one unbuffered
 * write, so it reaches the OS before the next operation starts) only after the call returned.
 */
public final class CrashWorkload {
  private CrashWorkload() {}

  /** Applies one operation; {@code queues} holds the actors' open queues between operations. */
  static void apply(ActorStore store, Map<String, ActorQueue> queues, CrashOps.Op operation) {
    switch (operation) {
      case CrashOps.KvOp op -> {
        if (op.deletesActor()) {
          ActorQueue q = queues.remove(op.actorId()); // its in-memory index would outlive the delete
          if (q != null) {
            q.close();
          }
        }
        op.apply(store);
      }
      case CrashOps.Enqueue op -> queues.computeIfAbsent(op.actorId(), id -> ActorQueue.open(store.actor(id)))
          .enqueueAll(op.bodies().stream().map(b -> new NewMessage("m", b.getBytes(StandardCharsets.UTF_8))).toList());
      case CrashOps.Receive op -> {
        try {
          queues.computeIfAbsent(op.actorId(), id -> ActorQueue.open(store.actor(id))).receive(List.of(), op.count(), Duration.ZERO);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path db = Path.of(args[0]);
    long seed = Long.parseLong(args[2]);
    long first = Long.parseLong(args[3]);
    Map<String, ActorQueue> queues = new HashMap<>();
    try (ActorStore store = ActorStore.open(db); FileOutputStream ack = new FileOutputStream(args[1], true)) {
      for (long i = first; ; i++) {
        apply(store, queues, CrashOps.op(seed, i));
        ack.write((i + "\n").getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
