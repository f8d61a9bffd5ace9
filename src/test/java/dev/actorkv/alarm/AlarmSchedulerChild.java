package dev.actorkv.alarm;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;

/**
 * Child JVM of {@link AlarmSchedulerProcessTest}: opens the store at {@code args[0]} and runs a scheduler
 * whose handler appends each delivery ({@code actor/name}) to {@code args[1]}, synced. Mode
 * {@code first} ({@code args[2]}) sets two alarms first, "hang" due now (its handler then blocks forever,
 * so the process is killed in the middle of delivering it) and "later" due in 2 s, and prints
 * {@code LATER <epoch ms>}; mode {@code restart} blocks in no handler and prints {@code EMPTY} and exits
 * once no alarm is pending.
 */
public final class AlarmSchedulerChild {
  private AlarmSchedulerChild() {}

  public static void main(String[] args) throws Exception {
    Path deliveries = Path.of(args[1]);
    boolean first = args[2].equals("first");
    try (ActorStore store = ActorStore.open(Path.of(args[0]))) {
      if (first) {
        Instant later = Instant.now().plusSeconds(2);
        store.actor("a").commit(new ActorBatch().setAlarm("hang", Instant.now(), new byte[] {1}).setAlarm("later", later, new byte[] {0}));
        System.out.println("LATER " + later.toEpochMilli());
        System.out.flush();
      }
      AlarmScheduler.Handler handler = (actor, alarm) -> {
        Files.write(deliveries, (actor.actorId() + "/" + alarm.name() + "\n").getBytes(StandardCharsets.UTF_8),
            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        if (first && alarm.payload()[0] == 1) {
          Thread.sleep(Long.MAX_VALUE); // killed here: delivered, not deleted
        }
      };
      try (AlarmScheduler s = AlarmScheduler.start(store, handler,
          AlarmSchedulerOptions.defaults().withPollInterval(Duration.ofMillis(100)).withBackoff(Duration.ofMillis(300), Duration.ofSeconds(1)))) {
        System.out.println("STARTED");
        System.out.flush();
        while (true) {
          Thread.sleep(50);
          if (!first && store.pendingAlarms(null, 1).isEmpty()) {
            System.out.println("EMPTY");
            System.out.flush();
            return;
          }
        }
      }
    }
  }
}
