package dev.actorkv.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueConcurrencyTest {
  @TempDir Path dir;
  private ActorStore store;
  private ActorKeyspace actor;

  @BeforeEach
  void open() {
    store = ActorStore.open(dir);
    actor = store.actor("c");
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] n(int i) {
    return ByteBuffer.allocate(4).putInt(i).array();
  }

  @Test
  void manyReceiversGetEveryMessageExactlyOnce() throws Exception {
    int producers = 3;
    int perProducer = 300;
    int receivers = 6;
    ActorQueue q = ActorQueue.open(actor, QueueOptions.defaults().withMaxSize(100_000));
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger received = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(producers + receivers);
    List<Future<?>> futures = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      futures.add(pool.submit(() -> {
        for (int i = 0; i < perProducer; i++) {
          q.enqueue(i % 2 == 0 ? "x" : "y", n(i));
        }
        return null;
      }));
    }
    for (int r = 0; r < receivers; r++) {
      boolean completable = r % 2 == 0;
      List<String> names = r % 3 == 0 ? List.of() : List.of(r % 3 == 1 ? "x" : "y");
      futures.add(pool.submit(() -> {
        while (received.get() < producers * perProducer) {
          List<Message> got = completable ? q.receiveCompletable(names, 3, Duration.ofMillis(20)) : q.receive(names, 3, Duration.ofMillis(20));
          for (Message m : got) {
            if (!seen.add(m.id())) {
              duplicates.incrementAndGet();
            }
            if (completable) {
              q.complete(m, null);
            }
            received.incrementAndGet();
          }
        }
        return null;
      }));
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "workers did not finish");
    for (Future<?> f : futures) {
      f.get();
    }
    assertEquals(0, duplicates.get());
    assertEquals(producers * perProducer, seen.size());
    assertEquals(0, q.size());
    assertEquals(QueueState.fromDisk(actor), q.state());
  }

  @Test
  void leasedMessageIsNotDeliveredTwiceUnderContention() throws Exception {
    ActorQueue q = ActorQueue.open(actor, QueueOptions.defaults().withLeaseDuration(Duration.ofMinutes(5)));
    for (int i = 0; i < 200; i++) {
      q.enqueue("job", n(i));
    }
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger duplicates = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      pool.submit(() -> {
        while (true) {
          List<Message> got = q.receiveCompletable(List.of("job"), 2, Duration.ZERO);
          if (got.isEmpty()) {
            return null;
          }
          got.forEach(m -> {
            if (!seen.add(m.id())) {
              duplicates.incrementAndGet();
            }
          });
        }
      });
    }
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    assertEquals(0, duplicates.get());
    assertEquals(200, seen.size());
    assertEquals(200, q.size()); // all leased, none completed
  }

  @Test
  void blockingReceiveIsWokenByEnqueueWithoutLostWakeUps() throws Exception {
    ActorQueue q = ActorQueue.open(actor);
    // Race the enqueue against the receiver's set-up many times: a lost wake-up would make the receive
    // wait its full 30 s timeout, and the test would time out.
    for (int round = 0; round < 200; round++) {
      CountDownLatch started = new CountDownLatch(1);
      List<Message> result = new ArrayList<>();
      Thread receiver = Thread.ofPlatform().start(() -> {
        started.countDown();
        try {
          result.addAll(q.receive(List.of("wake"), 1, Duration.ofSeconds(30)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      started.await();
      if (round % 2 == 0) {
        Thread.onSpinWait();
      } else {
        Thread.sleep(0, 50_000);
      }
      long id = q.enqueue("wake", n(round)).id();
      receiver.join(10_000);
      assertTrue(!receiver.isAlive(), "receiver not woken in round " + round);
      assertEquals(List.of(id), result.stream().map(Message::id).toList());
    }
  }

  @Test
  void blockingReceiveIgnoresOtherNamesAndTimesOut() throws Exception {
    ActorQueue q = ActorQueue.open(actor);
    Thread t = Thread.ofPlatform().start(() -> {
      try {
        Thread.sleep(30);
        q.enqueue("other", n(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    long start = System.nanoTime();
    assertEquals(List.of(), q.receive(List.of("mine"), 1, Duration.ofMillis(300)));
    long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(waitedMs >= 290, "returned after " + waitedMs + " ms");
    t.join();
    assertEquals(1, q.size());
  }

  @Test
  void waitingReceiveIsCancelledByInterrupt() throws Exception {
    ActorQueue q = ActorQueue.open(actor);
    AtomicInteger outcome = new AtomicInteger();
    Thread receiver = Thread.ofPlatform().start(() -> {
      try {
        q.receive(List.of(), 1, Duration.ofSeconds(60));
        outcome.set(1);
      } catch (InterruptedException e) {
        outcome.set(2);
      }
    });
    Thread.sleep(50);
    receiver.interrupt();
    receiver.join(5_000);
    assertEquals(2, outcome.get());
    q.enqueue("a", n(1));
    assertEquals(1, q.size()); // the cancelled receive took nothing
  }

  @Test
  void waitingReceiveSeesALeaseExpireWithoutAnEnqueue() throws Exception {
    ActorQueue q = ActorQueue.open(actor, QueueOptions.defaults().withLeaseDuration(Duration.ofMillis(100)));
    q.enqueue("a", n(1));
    Message first = q.receiveCompletable(List.of(), 1, Duration.ZERO).getFirst();
    List<Message> again = q.receiveCompletable(List.of(), 1, Duration.ofSeconds(10));
    assertEquals(first.id(), again.getFirst().id());
    assertEquals(2, again.getFirst().attempt());
  }

  @Test
  void closeReleasesWaiters() throws Exception {
    ActorQueue q = ActorQueue.open(actor);
    AtomicInteger outcome = new AtomicInteger();
    Thread receiver = Thread.ofPlatform().start(() -> {
      try {
        q.receive(List.of("other"), 1, Duration.ofSeconds(60));
      } catch (IllegalStateException e) {
        outcome.addAndGet(1);
      } catch (InterruptedException e) {
        outcome.addAndGet(2);
      }
    });
    Thread waiter = Thread.ofPlatform().start(() -> {
      try {
        q.enqueueAndWait("rpc", n(0), Duration.ofSeconds(60));
      } catch (MessageRemovedException e) {
        outcome.addAndGet(10);
      } catch (Exception e) {
        outcome.addAndGet(100);
      }
    });
    while (q.size() == 0) {
      Thread.sleep(1);
    }
    Thread.sleep(50);
    q.close();
    receiver.join(5_000);
    waiter.join(5_000);
    assertEquals(11, outcome.get());
    assertThrows(IllegalStateException.class, () -> q.enqueue("a", n(1)));
  }
}
