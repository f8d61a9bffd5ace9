package dev.actorkv.alarm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.DueAlarm;
import dev.actorkv.store.ReadOnlyStoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.ManualClock;
import dev.actorkv.testing.StoreFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The alarm scheduler on a real store: due order, nothing early, retries with durable backoff, an alarm
 * set again during its delivery kept, waking early for an alarm this process sets. RocksDB here,
 * PostgreSQL in {@link PostgresAlarmSchedulerTest}.
 */
class AlarmSchedulerTest {
  StoreFixture fixture;
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  record Delivery(String actor, String name, Instant due) {}

  @Test
  void deliversWhatIsDueInDueOrderAndNothingEarly() {
    ManualClock clock = new ManualClock(T0);
    List<Delivery> got = new CopyOnWriteArrayList<>();
    try (ActorStore store = fixture.open();
        AlarmScheduler s = AlarmScheduler.manual(store, (a, alarm) -> got.add(new Delivery(a.actorId(), alarm.name(), alarm.due())),
            AlarmSchedulerOptions.defaults().withClock(clock).withBatchSize(2))) {
      store.actor("b").commit(new ActorBatch().setAlarm("x", T0.plusSeconds(1), new byte[0]).setAlarm("late", T0.plusSeconds(60), new byte[0]));
      store.actor("a").commit(new ActorBatch().setAlarm("y", T0.plusSeconds(1), new byte[0]).setAlarm("z", T0, new byte[0]));
      assertEquals(new AlarmScheduler.Round(1, 0, 0), s.runDue());
      assertEquals(List.of(new Delivery("a", "z", T0)), got);
      clock.advance(Duration.ofSeconds(1));
      assertEquals(new AlarmScheduler.Round(2, 0, 0), s.runDue());
      assertEquals(List.of(new Delivery("a", "z", T0), new Delivery("a", "y", T0.plusSeconds(1)), new Delivery("b", "x", T0.plusSeconds(1))), got);
      assertEquals(List.of(new DueAlarm("b", "late", T0.plusSeconds(60))), store.pendingAlarms(null, 10));
      assertEquals(new AlarmScheduler.Round(0, 0, 0), s.runDue());
    }
  }

  @Test
  void aFailingHandlerIsRetriedWithDoublingBackoffWrittenToTheAlarm() {
    ManualClock clock = new ManualClock(T0);
    int[] calls = {0};
    try (ActorStore store = fixture.open();
        AlarmScheduler s = AlarmScheduler.manual(store, (a, alarm) -> {
          if (++calls[0] <= 3) {
            throw new IllegalStateException("not yet");
          }
        }, AlarmSchedulerOptions.defaults().withClock(clock).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(3)))) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setAlarm("x", T0, new byte[] {9}));
      assertEquals(new AlarmScheduler.Round(0, 1, 0), s.runDue());
      assertEquals(new Alarm("x", T0.plusSeconds(1), new byte[] {9}), a.alarm("x"), "retry time written to the alarm");
      clock.advance(Duration.ofMillis(999));
      assertEquals(new AlarmScheduler.Round(0, 0, 0), s.runDue(), "not before the backoff");
      clock.advance(Duration.ofMillis(1));
      assertEquals(new AlarmScheduler.Round(0, 1, 0), s.runDue());
      assertEquals(T0.plusSeconds(1 + 2), a.alarm("x").due(), "doubled");
      clock.advance(Duration.ofSeconds(2));
      s.runDue();
      assertEquals(T0.plusSeconds(3 + 3), a.alarm("x").due(), "capped at the maximum");
      clock.advance(Duration.ofSeconds(3));
      assertEquals(new AlarmScheduler.Round(1, 0, 0), s.runDue());
      assertNull(a.alarm("x"));
      assertEquals(4, calls[0]);
    }
  }

  @Test
  void anAlarmSetAgainDuringItsDeliveryIsKept() {
    ManualClock clock = new ManualClock(T0);
    try (ActorStore store = fixture.open();
        AlarmScheduler s = AlarmScheduler.manual(store, (a, alarm) -> {
          if (alarm.payload()[0] == 1) {
            a.commit(a.batch().setAlarm("x", T0.plusSeconds(5), new byte[] {2})); // a periodic alarm re-arms itself
          }
        }, AlarmSchedulerOptions.defaults().withClock(clock))) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setAlarm("x", T0, new byte[] {1}));
      assertEquals(new AlarmScheduler.Round(1, 0, 0), s.runDue());
      assertEquals(new Alarm("x", T0.plusSeconds(5), new byte[] {2}), a.alarm("x"));
      clock.advance(Duration.ofSeconds(5));
      assertEquals(new AlarmScheduler.Round(1, 0, 0), s.runDue());
      assertNull(a.alarm("x"));
    }
  }

  @Test
  void aStartedSchedulerWakesEarlyForAnAlarmThisProcessSets() throws Exception {
    CountDownLatch delivered = new CountDownLatch(1);
    List<byte[]> payloads = new CopyOnWriteArrayList<>();
    try (ActorStore store = fixture.open();
        AlarmScheduler s = AlarmScheduler.start(store, (a, alarm) -> {
          payloads.add(alarm.payload());
          delivered.countDown();
        }, AlarmSchedulerOptions.defaults().withPollInterval(Duration.ofMinutes(10)))) {
      Thread.sleep(200); // the first round found nothing: it sleeps for the poll interval
      store.actor("a").commit(new ActorBatch().setAlarm("soon", Instant.now().plusMillis(300), new byte[] {5}));
      assertTrue(delivered.await(20, TimeUnit.SECONDS), "delivered long before the 10 minute poll");
      assertArrayEquals(new byte[] {5}, payloads.getFirst());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!store.pendingAlarms(null, 1).isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(List.of(), store.pendingAlarms(null, 1), "deleted after delivery");
    }
  }

  @Test
  void afterCloseNothingIsDeliveredAndAReadOnlyStoreIsRefused() throws Exception {
    List<String> got = new CopyOnWriteArrayList<>();
    try (ActorStore store = fixture.open()) {
      AlarmScheduler s = AlarmScheduler.start(store, (a, alarm) -> got.add(alarm.name()), AlarmSchedulerOptions.defaults());
      s.close();
      store.actor("a").commit(new ActorBatch().setAlarm("x", Instant.now(), new byte[0]));
      Thread.sleep(300);
      assertEquals(List.of(), got);
      assertEquals(new AlarmScheduler.Round(0, 0, 0), s.runDue());
    }
    try (ActorStore ro = fixture.open(StoreOptions.defaults().withReadOnly(true))) {
      assertThrows(ReadOnlyStoreException.class, () -> AlarmScheduler.manual(ro, (a, alarm) -> {}, AlarmSchedulerOptions.defaults()));
    }
  }
}
