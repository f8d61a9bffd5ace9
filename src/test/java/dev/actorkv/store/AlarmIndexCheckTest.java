package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.testing.StoreFixture;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rocksdb.WriteBatch;

/**
 * The due-time index is rebuildable (RocksDB): {@link ActorStore#checkAlarms()} reports an entry missing,
 * one left over, an undecodable record and alarms of an actor without a record, and
 * {@link ActorStore#repairAlarmIndex()} rebuilds the index from the records.
 */
class AlarmIndexCheckTest {
  static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void checkFindsIndexDamageAndRepairRebuildsTheIndex() throws Exception {
    try (StoreFixture fixture = StoreFixture.rocksDb(); ActorStore store = fixture.open()) {
      store.actor("a").commit(new ActorBatch().setAlarm("x", T, new byte[0]).setAlarm("y", T.plusSeconds(1), new byte[0]));
      store.actor("b").commit(new ActorBatch().setAlarm("z", T.plusSeconds(2), new byte[0]));
      assertEquals(List.of(), store.checkAlarms());
      RocksDbEngine engine = (RocksDbEngine) store.engine();
      try (WriteBatch wb = new WriteBatch()) {
        wb.delete(PhysicalKeys.alarmDueKey(T.toEpochMilli(), "a", "x")); // missing
        wb.put(PhysicalKeys.alarmDueKey(T.plusSeconds(9).toEpochMilli(), "a", "y"), new byte[0]); // extra: y is due at T+1
        wb.put(PhysicalKeys.alarmDueKey(T.toEpochMilli(), "gone", "w"), new byte[0]); // extra: no such alarm
        wb.put(PhysicalKeys.alarmKey("c", "orphan"), RecordCodec.encodeAlarm(new Alarm("orphan", T.plusSeconds(3)))); // no actor record, no index
        wb.put(PhysicalKeys.alarmDueKey(T.plusSeconds(3).toEpochMilli(), "c", "orphan"), new byte[0]);
        wb.put(PhysicalKeys.alarmKey("b", "bad"), new byte[] {1, 2}); // does not decode
        engine.write(wb);
      }
      List<AlarmProblem> problems = store.checkAlarms();
      assertEquals(List.of(
          AlarmProblem.Kind.UNREADABLE_ALARM,
          AlarmProblem.Kind.ORPHAN_ALARM,
          AlarmProblem.Kind.EXTRA_INDEX_ENTRY,
          AlarmProblem.Kind.EXTRA_INDEX_ENTRY,
          AlarmProblem.Kind.MISSING_INDEX_ENTRY), problems.stream().map(AlarmProblem::kind).toList(), problems.toString());
      assertEquals(new AlarmProblem(AlarmProblem.Kind.MISSING_INDEX_ENTRY, "a", "x", T, "the alarm record has no index entry"), problems.get(4));
      assertEquals("gone", problems.get(2).actorId());
      assertEquals(T.plusSeconds(9), problems.get(3).due());
      assertEquals(4, store.repairAlarmIndex());
      assertEquals(List.of(AlarmProblem.Kind.UNREADABLE_ALARM, AlarmProblem.Kind.ORPHAN_ALARM),
          store.checkAlarms().stream().map(AlarmProblem::kind).toList(), "what a rebuild cannot fix stays reported");
      assertEquals(List.of(new DueAlarm("a", "x", T), new DueAlarm("a", "y", T.plusSeconds(1)), new DueAlarm("b", "z", T.plusSeconds(2)),
          new DueAlarm("c", "orphan", T.plusSeconds(3))), store.pendingAlarms(null, 10));
    }
  }
}
