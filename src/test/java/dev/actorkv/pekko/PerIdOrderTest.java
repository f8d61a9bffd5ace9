package dev.actorkv.pekko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import scala.concurrent.Await;
import scala.concurrent.Future;
import scala.concurrent.duration.Duration;

class PerIdOrderTest {
  @Test
  void callsOfOneIdRunInOrderAndOtherIdsRunBeside() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      PerIdOrder order = new PerIdOrder();
      List<String> ran = new CopyOnWriteArrayList<>();
      CountDownLatch otherIdRan = new CountDownLatch(1);
      Future<String> first = order.after(Set.of("a"), pool, () -> {
        // Only finishes once a call of another id has run meanwhile: they must not queue behind this one.
        assertTrue(otherIdRan.await(10, TimeUnit.SECONDS), "the call of id b waited for id a");
        ran.add("a1");
        return "a1";
      });
      Future<String> second = order.after(Set.of("a"), pool, () -> {
        ran.add("a2");
        return "a2";
      });
      Future<String> other = order.after(Set.of("b"), pool, () -> {
        ran.add("b1");
        otherIdRan.countDown();
        return "b1";
      });
      assertEquals("a2", Await.result(second, Duration.create(10, TimeUnit.SECONDS)));
      assertEquals("a1", Await.result(first, Duration.create(1, TimeUnit.SECONDS)));
      assertEquals("b1", Await.result(other, Duration.create(1, TimeUnit.SECONDS)));
      assertEquals(List.of("b1", "a1", "a2"), ran);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailedCallFailsItsFutureWithItsOwnExceptionAndTheNextStillRuns() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      PerIdOrder order = new PerIdOrder();
      Future<String> failing = order.after(Set.of("a"), pool, () -> {
        throw new PekkoRecordException("broken");
      });
      Future<String> next = order.after(Set.of("a"), pool, () -> "next");
      assertEquals("next", Await.result(next, Duration.create(10, TimeUnit.SECONDS)));
      Await.ready(failing, Duration.create(1, TimeUnit.SECONDS));
      assertTrue(failing.value().get().failed().get() instanceof PekkoRecordException);
    } finally {
      pool.shutdownNow();
    }
  }
}
