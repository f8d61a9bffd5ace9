package dev.actorkv.alarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes: a child JVM's scheduler is SIGKILLed in the middle of delivering an alarm (its handler
 * ran, the alarm was not deleted), while another alarm is not yet due; that one falls due while no
 * process runs. A restarted scheduler delivers both: the interrupted one again (at least once) and the
 * one that fell due while it was down; then nothing is pending.
 */
class AlarmSchedulerProcessTest {
  @TempDir Path dir;

  private static List<String> waitForLine(Path file, String prefix, ChildJvm child, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> lines = Files.exists(file) ? Files.readAllLines(file) : List.of();
      if (lines.stream().anyMatch(l -> l.startsWith(prefix))) {
        return lines;
      }
      assertTrue(child == null || child.process().isAlive() || prefix.equals("EMPTY"), () -> "child died: " + read(Path.of(file + ".err")));
      assertTrue(System.nanoTime() < deadline, "no line " + prefix + " in " + file + ": " + lines + " / " + read(Path.of(file + ".err")));
      Thread.sleep(20);
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void anAlarmInterruptedByKill9AndOneDueWhileDownAreDeliveredAfterARestart() throws Exception {
    Path db = dir.resolve("db");
    Path deliveries = dir.resolve("deliveries");
    Path out1 = dir.resolve("child-1.out");
    Instant later;
    try (ChildJvm child = ChildJvm.start(AlarmSchedulerChild.class, out1, db.toString(), deliveries.toString(), "first")) {
      List<String> lines = waitForLine(out1, "LATER", child, Duration.ofSeconds(60));
      later = Instant.ofEpochMilli(Long.parseLong(lines.stream().filter(l -> l.startsWith("LATER")).findFirst().orElseThrow().substring(6)));
      waitForLine(deliveries, "a/hang", child, Duration.ofSeconds(60));
      child.kill9();
    }
    // The child's one scheduler thread was blocked in "hang" from before "later" fell due: it delivered nothing else.
    assertEquals(List.of("a/hang"), Files.readAllLines(deliveries));
    try (ActorStore store = ActorStore.open(db)) {
      assertEquals(List.of("hang", "later"), store.actor("a").alarms().stream().map(Alarm::name).toList(),
          "killed before the delete: both pending");
    }
    while (!Instant.now().isAfter(later.plusMillis(200))) {
      Thread.sleep(50); // "later" falls due while no scheduler runs
    }
    Path out2 = dir.resolve("child-2.out");
    try (ChildJvm child = ChildJvm.start(AlarmSchedulerChild.class, out2, db.toString(), deliveries.toString(), "restart")) {
      waitForLine(out2, "EMPTY", child, Duration.ofSeconds(60));
      assertEquals(0, child.waitFor(30, TimeUnit.SECONDS), read(Path.of(out2 + ".err")));
    }
    List<String> all = Files.readAllLines(deliveries);
    assertEquals("a/hang", all.getFirst());
    assertEquals(List.of("a/hang", "a/later"), all.subList(1, all.size()).stream().sorted().toList(), "both delivered after the restart");
    try (ActorStore store = ActorStore.open(db)) {
      assertEquals(List.of(), store.pendingAlarms(null, 10));
      assertEquals(List.of(), store.checkAlarms());
    }
  }
}
