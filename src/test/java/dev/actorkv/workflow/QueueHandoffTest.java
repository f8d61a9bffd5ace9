package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.NewMessage;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.ChildJvm;
import dev.actorkv.testing.FailingFaults;
import dev.actorkv.testing.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** receive(): messages leave the queue and enter history in one atomic write. */
class QueueHandoffTest {
  @TempDir Path dir;

  static Workflow<String, String> receiveTwice(Duration timeout) {
    return Workflow.of(String.class, String.class, (ctx, in) -> {
      List<Message> first = ctx.receive("first", List.of("job"), 2, timeout);
      List<Message> second = ctx.receive("second", List.of(), 5, timeout);
      return first.stream().map(m -> new String(m.body())).collect(Collectors.joining(",")) + "|"
          + second.stream().map(m -> m.name() + ":" + new String(m.body())).collect(Collectors.joining(","));
    });
  }

  @Test
  void receiveTakesMessagesAndReplaysThemFromHistory() {
    ManualClock clock = new ManualClock();
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      ActorQueue queue = ActorQueue.open(actor);
      WorkflowOptions opts = WorkflowOptions.defaults().withClock(clock);
      WorkflowEngine e = WorkflowEngine.open(actor, opts, queue);
      WorkflowOutcome<String> waiting = e.run(receiveTwice(Duration.ofMinutes(1)), "");
      assertEquals(new WorkflowOutcome.WaitingForMessages<String>(List.of("job"), java.util.Optional.of(clock.instant().plusSeconds(60))),
          waiting);
      assertTrue(e.status().waitingForMessages());
      assertEquals(List.of("job"), e.status().waitingQueues());
      queue.enqueueAll(List.of(new NewMessage("other", "o1".getBytes()), new NewMessage("job", "j1".getBytes()),
          new NewMessage("job", "j2".getBytes()), new NewMessage("job", "j3".getBytes())));
      assertEquals(new WorkflowOutcome.Completed<>("j1,j2|other:o1,job:j3"), e.run(receiveTwice(Duration.ofMinutes(1)), ""));
      assertEquals(0, queue.size());
      // A fresh engine answers from history; the queue is not touched again.
      queue.enqueue("job", "later".getBytes());
      WorkflowEngine again = WorkflowEngine.open(actor, opts, queue);
      assertEquals(WorkflowState.COMPLETED, again.status().state());
      assertEquals(1, queue.size());
    }
  }

  @Test
  void receiveTimesOutWithNoMessages() {
    ManualClock clock = new ManualClock();
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      ActorQueue queue = ActorQueue.open(actor);
      WorkflowEngine e = WorkflowEngine.open(actor, WorkflowOptions.defaults().withClock(clock), queue);
      assertInstanceOf(WorkflowOutcome.WaitingForMessages.class, e.run(receiveTwice(Duration.ofSeconds(5)), ""));
      clock.advance(Duration.ofSeconds(5));
      // The first receive timed out; the second starts its own 5 s now.
      assertInstanceOf(WorkflowOutcome.WaitingForMessages.class, e.run(receiveTwice(Duration.ofSeconds(5)), ""));
      clock.advance(Duration.ofSeconds(5));
      assertEquals(new WorkflowOutcome.Completed<>("|"), e.run(receiveTwice(Duration.ofSeconds(5)), ""));
    }
  }

  @Test
  void failedHandoffWriteLeavesMessagesQueuedAndHistoryUnclaimed() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      ActorQueue queue = ActorQueue.open(actor);
      queue.enqueue("job", "j1".getBytes());
      queue.enqueue("job", "j2".getBytes());
      queue.enqueue("x", "x1".getBytes());
      WorkflowEngine e = WorkflowEngine.open(actor, WorkflowOptions.defaults(), queue);
      faults.failWriteAfter(0);
      assertThrows(FailingFaults.InjectedFault.class, () -> e.run(receiveTwice(Duration.ZERO), ""));
      assertEquals(3, queue.size());
      assertEquals(3, ActorQueue.open(actor).size(), "nothing removed on disk");
      assertEquals(new WorkflowOutcome.Completed<>("j1,j2|x:x1"), e.run(receiveTwice(Duration.ZERO), ""));
      assertEquals(0, queue.size());
    }
  }

  @Test
  void receiveWithoutQueueIsAClearError() {
    try (ActorStore store = ActorStore.open(dir)) {
      WorkflowEngine e = WorkflowEngine.open(store.actor("a"));
      var f = assertInstanceOf(WorkflowOutcome.Failed.class, e.run(receiveTwice(Duration.ZERO), ""));
      assertTrue(f.error().message().contains("needs a queue"), f.error().message());
    }
  }

  /** A child JVM receives in a workflow and is killed twice mid-run; no message is lost or taken twice. */
  @Test
  void noMessageLostOrTakenTwiceAcrossSigkill() throws Exception {
    int total = 40;
    Path db = dir.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      ActorQueue q = ActorQueue.open(store.actor("inbox"));
      List<NewMessage> ms = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        ms.add(new NewMessage(i % 5 == 4 ? "noise" : "job", ("m" + i).getBytes()));
      }
      q.enqueueAll(ms);
    }
    int jobs = (int) LongStream.range(0, total).filter(i -> i % 5 != 4).count();
    for (int round = 0; round < 2; round++) {
      Path out = dir.resolve("child" + round + ".out");
      try (ChildJvm child = ChildJvm.start(QueueHandoffChild.class, out, db.toString(), Integer.toString(jobs))) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        int wantLines = 3 + round * 4 + (int) (System.nanoTime() % 3);
        while (lines(out) < wantLines) {
          assertTrue(child.process().isAlive(), "child ended early: " + read(out) + read(Path.of(out + ".err")));
          assertTrue(System.nanoTime() < deadline);
          Thread.sleep(5);
        }
        child.kill9();
      }
    }
    try (ActorStore store = ActorStore.open(db)) {
      ActorKeyspace actor = store.actor("inbox");
      ActorQueue q = ActorQueue.open(actor);
      WorkflowEngine e = WorkflowEngine.open(actor, WorkflowOptions.defaults(), q);
      WorkflowOutcome<String> outcome = e.run(QueueHandoffChild.workflow(jobs, false), 0);
      String ids = ((WorkflowOutcome.Completed<String>) outcome).output();
      List<Long> got = java.util.Arrays.stream(ids.split(",")).map(Long::parseLong).toList();
      List<Long> expected = LongStream.rangeClosed(1, total).filter(id -> (id - 1) % 5 != 4).boxed().toList();
      assertEquals(expected, got, "every job message exactly once, in order");
      assertEquals(total - jobs, q.size(), "only the noise is left");
      assertEquals(List.of(), q.recoveredProblems());
    }
  }

  private static long lines(Path p) throws java.io.IOException {
    return Files.exists(p) ? Files.readAllLines(p).stream().filter(l -> l.startsWith("GOT")).count() : 0;
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
