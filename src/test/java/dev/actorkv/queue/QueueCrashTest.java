package dev.actorkv.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM enqueues, receives and completes in a loop and is SIGKILLed at random moments, several
 * times on the same store. After each kill: every acknowledged enqueue is still present unless it was
 * (acknowledged as) received; no completed or consumed message reappears; ids are never reused; the
 * metadata agrees with the messages.
 */
class QueueCrashTest {
  static final String ACTOR = "crash";
  static final QueueOptions OPTIONS = QueueOptions.defaults().withMaxSize(1_000_000).withLeaseDuration(Duration.ofMillis(200));

  @TempDir Path dir;

  @Test
  void acknowledgedOperationsSurviveSigkill() throws Exception {
    Path db = dir.resolve("db");
    Random random = new Random();
    long seed = random.nextLong();
    random.setSeed(seed);
    Set<Long> enqueued = new HashSet<>();
    Set<Long> received = new HashSet<>();
    Set<Long> removed = new HashSet<>(); // completed or consumed, acknowledged
    int cycles = 5;
    long totalEnqueued = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      Path log = dir.resolve("child-" + cycle + ".out");
      try (ChildJvm child = ChildJvm.start(QueueCrashChild.class, log, db.toString())) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(log).contains("OPEN")) {
          assertTrue(child.process().isAlive(), () -> "child died: " + readQuietly(Path.of(log + ".err")));
          assertTrue(System.nanoTime() < deadline, "child did not open the queue");
          Thread.sleep(10);
        }
        Thread.sleep(50 + random.nextInt(700));
        child.kill9();
      }
      List<String> lines = Files.readAllLines(log);
      String last = lines.getLast();
      boolean consumeInFlight = last.equals("d");
      for (String line : lines) {
        String[] parts = line.split(" ");
        if (parts.length == 2 && !parts[0].equals("OPEN")) {
          long id = Long.parseLong(parts[1]);
          switch (parts[0]) {
            case "E" -> {
              assertTrue(enqueued.add(id), "id " + id + " handed out twice (seed " + seed + ")");
              totalEnqueued++;
            }
            case "R" -> received.add(id);
            case "C", "D" -> removed.add(id);
            default -> throw new AssertionError("bad line " + line);
          }
        }
      }

      try (ActorStore store = ActorStore.open(db)) {
        ActorKeyspace actor = store.actor(ACTOR);
        QueueAudit audit = QueueAudit.scan(actor);
        assertEquals(List.of(), audit.problems(), "cycle " + cycle + " (seed " + seed + ")");
        List<Long> unacknowledgedRemovals = new java.util.ArrayList<>();
        for (long id : enqueued) {
          boolean present = actor.get(QueueKeys.message(id)) != null;
          if (removed.contains(id)) {
            assertFalse(present, "completed/consumed message " + id + " reappeared (seed " + seed + ")");
          } else if (!present && !received.contains(id)) {
            unacknowledgedRemovals.add(id);
          }
        }
        // Only the consuming receive that was in flight at the kill may have removed an unacknowledged message.
        assertTrue(unacknowledgedRemovals.size() <= (consumeInFlight ? 1 : 0),
            unacknowledgedRemovals + ": acknowledged enqueues lost in cycle " + cycle + " (seed " + seed + ")");
        // That message was consumed, just not acknowledged: later cycles must neither count it as lost
        // again nor see it come back.
        removed.addAll(unacknowledgedRemovals);
        try (ActorQueue q = ActorQueue.open(actor, OPTIONS)) {
          assertEquals(List.of(), q.recoveredProblems());
          assertEquals(audit.messageCount(), q.size());
        }
      }
    }
    assertTrue(totalEnqueued > cycles, "the child made no progress: " + totalEnqueued + " enqueues");
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
