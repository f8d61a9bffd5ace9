package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.testing.StoreFixture;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Durable alarms in the store (issue 20): per-actor set, get, list and delete in the same atomic batch as
 * the actor's keys, the store-wide due-time index, limits, deleting an actor, the index check. Runs on
 * RocksDB here and on PostgreSQL in {@link PostgresAlarmStoreTest}.
 */
class AlarmStoreTest {
  StoreFixture fixture;

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

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  static final byte[] K = {4, 1};

  @Test
  void alarmsAreSetReadListedAndDeletedWithTheBatch() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().put(K, new byte[] {1}).setAlarm("wake", t(10), new byte[] {7}).setAlarm("b", t(5), new byte[0]));
      assertArrayEquals(new byte[] {1}, a.get(K));
      assertEquals(new Alarm("wake", t(10), new byte[] {7}), a.alarm("wake"));
      assertNull(a.alarm("missing"));
      assertEquals(List.of("b", "wake"), a.alarms().stream().map(Alarm::name).toList());
      assertEquals(2L + 1, a.storageBytes(), "alarms do not count towards storage");
      // Re-setting moves its index entry: one entry, at the new time.
      a.commit(a.batch().setAlarm("wake", t(1), new byte[] {8}));
      assertEquals(List.of(new DueAlarm("a", "wake", t(1)), new DueAlarm("a", "b", t(5))), store.pendingAlarms(null, 10));
      a.commit(a.batch().deleteAlarm("b").deleteAlarm("never-set"));
      assertEquals(List.of(new DueAlarm("a", "wake", t(1))), store.pendingAlarms(null, 10));
      assertEquals(List.of(), store.checkAlarms());
    }
    try (ActorStore store = fixture.open()) {
      assertEquals(new Alarm("wake", t(1), new byte[] {8}), store.actor("a").alarm("wake"), "alarms are durable");
      try (ActorStore.StoreSnapshot snap = store.snapshot()) {
        assertEquals(List.of(new Alarm("wake", t(1), new byte[] {8})), snap.alarms("a"));
        assertEquals(List.of(), snap.alarms("a\0"));
      }
    }
  }

  @Test
  void theDueIndexOrdersByDueThenActorThenNameAndPages() {
    try (ActorStore store = fixture.open()) {
      assertEquals(Optional.empty(), store.nextAlarmDue());
      store.actor("b").commit(new ActorBatch().setAlarm("x", t(3), new byte[0]).setAlarm("a", t(3), new byte[0]));
      store.actor("a").commit(new ActorBatch().setAlarm("z", t(3), new byte[0]).setAlarm("late", t(9), new byte[0]));
      store.actor("a\0").commit(new ActorBatch().setAlarm("n", t(2), new byte[0]));
      store.actor("c").commit(new ActorBatch().setAlarm("n", Instant.EPOCH, new byte[0]));
      List<DueAlarm> expected = List.of(
          new DueAlarm("c", "n", Instant.EPOCH),
          new DueAlarm("a\0", "n", t(2)),
          new DueAlarm("a", "z", t(3)),
          new DueAlarm("b", "a", t(3)),
          new DueAlarm("b", "x", t(3)),
          new DueAlarm("a", "late", t(9)));
      assertEquals(expected, store.pendingAlarms(null, 100));
      List<DueAlarm> paged = new ArrayList<>();
      DueAlarm after = null;
      while (true) {
        List<DueAlarm> page = store.pendingAlarms(after, 2);
        paged.addAll(page);
        if (page.size() < 2) {
          break;
        }
        after = page.getLast();
      }
      assertEquals(expected, paged);
      assertEquals(Optional.of(Instant.EPOCH), store.nextAlarmDue());
      assertEquals(expected.subList(0, 5), store.dueAlarms(t(3), 100));
      assertEquals(expected.subList(0, 2), store.dueAlarms(t(3).minusMillis(1), 100));
      assertEquals(expected.subList(0, 3), store.dueAlarms(t(3), 3));
      assertEquals(List.of(), store.dueAlarms(Instant.EPOCH.minusSeconds(1), 10));
      assertEquals(List.of("n"), store.actor("a\0").alarms().stream().map(Alarm::name).toList());
      assertEquals(List.of("late", "z"), store.actor("a").alarms().stream().map(Alarm::name).toList());
    }
  }

  @Test
  void badAlarmsAreRefusedWithTypedErrorsBeforeAnythingIsWritten() {
    assertThrows(InvalidAlarmException.class, () -> new Alarm("", t(1), new byte[0]));
    assertThrows(InvalidAlarmException.class, () -> new Alarm("\ud800", t(1), new byte[0]));
    assertThrows(InvalidAlarmException.class, () -> new Alarm("x", Instant.EPOCH.minusMillis(1), new byte[0]));
    assertThrows(InvalidAlarmException.class, () -> new Alarm("x", Alarm.MAX_DUE.plusMillis(1), new byte[0]));
    LimitExceededException name = assertThrows(LimitExceededException.class, () -> new Alarm("n".repeat(Alarm.MAX_NAME_BYTES + 1), t(1)));
    assertEquals(LimitExceededException.Limit.ALARM_NAME_SIZE, name.limit());
    LimitExceededException payload = assertThrows(LimitExceededException.class,
        () -> new ActorBatch().setAlarm("x", t(1), new byte[Alarm.MAX_PAYLOAD_BYTES + 1]));
    assertEquals(LimitExceededException.Limit.ALARM_PAYLOAD_SIZE, payload.limit());
    new Alarm("n".repeat(Alarm.MAX_NAME_BYTES), t(1), new byte[Alarm.MAX_PAYLOAD_BYTES]); // at the limits: fine
    assertEquals(t(1), new Alarm("x", t(1).plusNanos(999_999)).due(), "kept to the millisecond");
    try (ActorStore store = fixture.open(StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxAlarmsPerActor(2)))) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setAlarm("1", t(1), new byte[0]).setAlarm("2", t(2), new byte[0]));
      LimitExceededException count = assertThrows(LimitExceededException.class,
          () -> a.commit(a.batch().put(K, new byte[] {1}).setAlarm("3", t(3), new byte[0])));
      assertEquals(LimitExceededException.Limit.ALARM_COUNT, count.limit());
      assertTrue(count.getMessage().contains("3 alarms > maximum 2 alarms"), count.getMessage());
      assertNull(a.get(K), "nothing of the refused batch was written");
      // Replacing one and deleting then setting another stay within the limit.
      a.commit(a.batch().setAlarm("2", t(20), new byte[0]));
      a.commit(a.batch().deleteAlarm("1").setAlarm("3", t(3), new byte[0]));
      assertEquals(List.of("2", "3"), a.alarms().stream().map(Alarm::name).toList());
    }
  }

  @Test
  void aBatchThatFailsSetsNoAlarm() {
    try (ActorStore store = fixture.open(StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxValueBytes(4)))) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setAlarm("keep", t(1), new byte[0]));
      assertThrows(LimitExceededException.class,
          () -> a.commit(a.batch().setAlarm("new", t(2), new byte[0]).deleteAlarm("keep").put(K, new byte[5])));
      assertEquals(List.of(new Alarm("keep", t(1))), a.alarms());
      assertEquals(List.of(new DueAlarm("a", "keep", t(1))), store.pendingAlarms(null, 10));
    }
  }

  @Test
  void deletingAnActorDeletesItsAlarmsAndTheirIndexEntries() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().put(K, new byte[] {1}).setAlarm("x", t(1), new byte[0]).setAlarm("y", t(2), new byte[0]));
      store.actor("a\0").commit(new ActorBatch().setAlarm("x", t(1), new byte[0]));
      a.deleteAll();
      assertEquals(List.of(), a.alarms());
      assertEquals(List.of(new DueAlarm("a\0", "x", t(1))), store.pendingAlarms(null, 10));
      assertEquals(List.of(), store.checkAlarms());
      // The count starts again from zero.
      a.commit(a.batch().setAlarm("z", t(3), new byte[0]));
      assertEquals(List.of(new Alarm("z", t(3))), a.alarms());
    }
  }

  @Test
  void compareAndSetAlarmChangesOnlyAnUnchangedAlarm() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("a");
      Alarm first = new Alarm("x", t(1), new byte[] {1});
      a.commit(a.batch().setAlarm(first));
      Alarm reset = new Alarm("x", t(1), new byte[] {2}); // same time, other payload
      a.commit(a.batch().setAlarm(reset));
      assertFalse(a.compareAndSetAlarm(first, null), "the alarm was set again: kept");
      assertEquals(reset, a.alarm("x"));
      assertTrue(a.compareAndSetAlarm(reset, reset.withDue(t(5))));
      assertEquals(List.of(new DueAlarm("a", "x", t(5))), store.pendingAlarms(null, 10));
      assertTrue(a.compareAndSetAlarm(reset.withDue(t(5)), null));
      assertEquals(List.of(), store.pendingAlarms(null, 10));
      assertFalse(a.compareAndSetAlarm(reset, null));
      assertThrows(IllegalArgumentException.class, () -> a.compareAndSetAlarm(reset, new Alarm("y", t(1))));
    }
  }

  @Test
  void watchersHearOfTheEarliestAlarmEachCommitSets() throws Exception {
    try (ActorStore store = fixture.open()) {
      List<DueAlarm> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
      try (AutoCloseable w = store.watchAlarms(heard::add)) {
        store.actor("a").commit(new ActorBatch().setAlarm("late", t(9), new byte[0]).setAlarm("soon", t(2), new byte[0]));
        store.actor("a").commit(new ActorBatch().deleteAlarm("late"));
      }
      store.actor("a").commit(new ActorBatch().setAlarm("after", t(1), new byte[0]));
      assertEquals(List.of(new DueAlarm("a", "soon", t(2))), heard);
    }
  }
}
