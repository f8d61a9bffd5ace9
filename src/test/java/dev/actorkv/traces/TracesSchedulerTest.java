package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The background flush of many actors' traces needs no thread per actor: by default it runs on virtual
 * threads from the JDK's shared delay timer, or on the scheduler the options give, shared by the actors;
 * closing one actor's traces cancels its task only.
 */
class TracesSchedulerTest {
  @Test
  void twoHundredActorsTracesStartNoThreadPerActor() throws Exception {
    try (StoreFixture fixture = StoreFixture.rocksDb(); ActorStore store = fixture.open()) {
      TracesOptions options = TracesOptions.defaults().withFlushInterval(Duration.ofMillis(20));
      int before = Thread.getAllStackTraces().size();
      List<ActorTraces> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        all.add(ActorTraces.open(store.actor("a" + i), options));
      }
      Thread.sleep(200); // ten ticks of every actor
      int during = Thread.getAllStackTraces().size();
      for (ActorTraces t : all) {
        t.close();
      }
      // The JDK's delay timer is one thread for the whole JVM; allow a few for the JDK's own pools.
      assertTrue(during - before < 10, "platform threads: " + before + " before, " + during + " with 200 actors open");
    }
  }

  @Test
  void theGivenSchedulerRunsTheFlushAndClosingOneActorCancelsOnlyItsTask() throws Exception {
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "given-scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    try (StoreFixture fixture = StoreFixture.rocksDb(); ActorStore store = fixture.open()) {
      List<String> flushThreads = new CopyOnWriteArrayList<>();
      TracesOptions slow = TracesOptions.defaults().withScheduler(scheduler).withFlushInterval(Duration.ofHours(1));
      ActorTraces a = ActorTraces.open(store.actor("a"), slow);
      ActorTraces b = ActorTraces.open(store.actor("b"), slow);
      assertEquals(2, scheduler.getQueue().size(), "one armed tick per actor");
      a.close();
      assertEquals(1, scheduler.getQueue().size(), "a's tick is cancelled, b's is not");
      b.close();
      assertEquals(0, scheduler.getQueue().size());

      TracesOptions fast = TracesOptions.defaults().withScheduler(scheduler).withFlushInterval(Duration.ofMillis(10))
          .withListener(new TracesListener() {
            @Override
            public void written(int chunks, long bytes) {
              flushThreads.add(Thread.currentThread().getName());
            }
          });
      try (ActorTraces c = ActorTraces.open(store.actor("c"), fast)) {
        c.record(RESOURCE, SCOPE, TestSpans.completed(1, T0, T0 + 1_000));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (flushThreads.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertEquals(List.of("given-scheduler"), flushThreads, "the timer's flush ran on the given scheduler");
        assertEquals(1, c.status().chunksWritten());
      }
    } finally {
      scheduler.shutdownNow();
    }
  }
}
