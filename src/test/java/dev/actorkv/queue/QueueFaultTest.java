package dev.actorkv.queue;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import dev.actorkv.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every queue operation against a store whose next write (or read) fails: memory and disk must be
 * exactly as before, and the same operation must then succeed once the fault is gone.
 */
class QueueFaultTest {
  @TempDir Path dir;
  private final FailingFaults faults = new FailingFaults();
  private final ManualClock clock = new ManualClock(5_000_000);
  private ActorStore store;
  private ActorKeyspace actor;
  private ActorQueue queue;
  private Message leased;

  /** Full state: every key-value of the actor, its storage count, and the queue's memory. */
  private record Snapshot(List<KeyValue> disk, long storageBytes, QueueState memory, List<CorruptMessage> corrupt) {}

  @BeforeEach
  void setUp() throws Exception {
    store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults));
    actor = store.actor("f");
    queue = ActorQueue.open(actor, QueueOptions.defaults().withClock(clock).withLeaseDuration(Duration.ofSeconds(5)));
    for (int i = 1; i <= 6; i++) {
      queue.enqueue(i % 2 == 0 ? "even" : "odd", ("m" + i).getBytes(UTF_8));
    }
    leased = queue.receiveCompletable(List.of("odd"), 1, Duration.ZERO).getFirst(); // id 1
    queue.receiveCompletable(List.of("even"), 1, Duration.ZERO); // id 2
  }

  @AfterEach
  void tearDown() {
    queue.close();
    store.close();
  }

  private Snapshot snapshot() {
    return new Snapshot(actor.scan(KeyRange.all(), Integer.MAX_VALUE), actor.storageBytes(), queue.state(), queue.corruptMessages());
  }

  interface QueueOp {
    void run(QueueFaultTest t) throws Exception;
  }

  static Stream<Arguments> operations() {
    Map<String, QueueOp> ops = new java.util.LinkedHashMap<>();
    ops.put("enqueue", t -> t.queue.enqueue("odd", new byte[] {7}));
    ops.put("enqueueAll", t -> t.queue.enqueueAll(List.of(new NewMessage("a", new byte[1]), new NewMessage("b", new byte[2]))));
    ops.put("receive", t -> assertEquals(2, t.queue.receive(List.of(), 2, Duration.ZERO).size()));
    ops.put("receiveByName", t -> assertEquals(1, t.queue.receive(List.of("even"), 1, Duration.ZERO).size()));
    ops.put("receiveCompletable", t -> assertEquals(3, t.queue.receiveCompletable(List.of(), 3, Duration.ZERO).size()));
    ops.put("redeliverAfterLeaseExpiry", t -> {
      t.clock.advance(Duration.ofSeconds(6));
      assertEquals(1, t.queue.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst().id());
    });
    ops.put("completeMessage", t -> t.queue.complete(t.leased, "r".getBytes(UTF_8)));
    ops.put("completeId", t -> t.queue.complete(2, null));
    ops.put("release", t -> t.queue.release(t.leased));
    ops.put("delete", t -> assertEquals(3, t.queue.delete(List.of(1L, 3L, 4L, 99L))));
    ops.put("enqueueAndWait", t -> {
      try {
        t.queue.enqueueAndWait("rpc", new byte[0], Duration.ofMillis(1));
      } catch (java.util.concurrent.TimeoutException expected) {
        // the message is queued; the waiter gave up
      }
    });
    return ops.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void failedWriteLeavesMemoryAndDiskAsBefore(String name, QueueOp op) throws Exception {
    Snapshot before = snapshot();
    faults.failWriteAfter(0);
    assertThrows(FailingFaults.InjectedFault.class, () -> op.run(this));
    faults.disarm();
    assertEquals(before, snapshot(), name);
    assertEquals(before.memory(), QueueState.fromDisk(actor));
    // The queue still works: the same operation now succeeds, and memory matches disk.
    op.run(this);
    assertEquals(QueueState.fromDisk(actor), queue.state());
    queue.close();
    queue = ActorQueue.open(actor, queue.options());
    assertEquals(List.of(), queue.recoveredProblems());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operations")
  void failedReadLeavesMemoryAndDiskAsBefore(String name, QueueOp op) throws Exception {
    Snapshot before = snapshot();
    faults.failReadAfter(0);
    boolean failed;
    try {
      op.run(this);
      failed = false;
    } catch (FailingFaults.InjectedFault e) {
      failed = true;
    } finally {
      faults.disarm();
    }
    if (failed) {
      assertEquals(before, snapshot(), name);
    } else {
      // Operations that read nothing from the store succeed; memory must match disk then.
      assertEquals(QueueState.fromDisk(actor), queue.state(), name);
    }
  }

  @Test
  void failedMetadataRebuildAtOpenChangesNothing() {
    actor.delete(QueueKeys.metadata());
    queue.close();
    List<KeyValue> before = actor.scan(KeyRange.all(), Integer.MAX_VALUE);
    faults.failWriteAfter(0);
    assertThrows(FailingFaults.InjectedFault.class, () -> ActorQueue.open(actor));
    faults.disarm();
    assertEquals(before, actor.scan(KeyRange.all(), Integer.MAX_VALUE));
    queue = ActorQueue.open(actor);
    assertEquals(1, queue.recoveredProblems().size());
    assertEquals(6, queue.size());
  }

  @Test
  void everyWriteOfASequenceCanFail() throws Exception {
    // Fail the Nth write of a mixed sequence for every N; after each failure the state equals the state
    // before that operation, and the rest of the sequence continues.
    List<Consumer<ActorQueue>> sequence = List.of(
        q -> q.enqueue("x", new byte[3]),
        q -> receiveQuietly(q, true),
        q -> q.enqueueAll(List.of(new NewMessage("y", new byte[0]), new NewMessage("x", new byte[1]))),
        q -> receiveQuietly(q, false),
        q -> assertTrue(q.delete(List.of(7L, 8L)) > 0),
        q -> q.complete(leased, null));
    for (int failAt = 0; failAt < sequence.size(); failAt++) {
      tearDown();
      dir = dir.resolveSibling(dir.getFileName() + "-" + failAt);
      setUp();
      for (int i = 0; i < sequence.size(); i++) {
        Snapshot before = snapshot();
        if (i == failAt) {
          faults.failWriteAfter(0);
          int step = i;
          assertThrows(FailingFaults.InjectedFault.class, () -> sequence.get(step).accept(queue));
          faults.disarm();
          assertEquals(before, snapshot(), "step " + i);
        } else {
          sequence.get(i).accept(queue);
        }
      }
      assertEquals(QueueState.fromDisk(actor), queue.state());
    }
  }

  private static void receiveQuietly(ActorQueue q, boolean lease) {
    try {
      if (lease) {
        q.receiveCompletable(List.of(), 2, Duration.ZERO);
      } else {
        q.receive(List.of(), 2, Duration.ZERO);
      }
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
