package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The alarm key layout (issue 20): the due-time index sorts by due time first, so its first key is the
 * next alarm due across all actors; both alarm prefixes lie outside every actor's physical keyspace and
 * apart from the other bookkeeping records.
 */
class AlarmKeysProperties {
  @Property(tries = 2000)
  void dueIndexSortsByDueThenActorThenName(@ForAll("dues") long dueA, @ForAll String actorA, @ForAll("names") String nameA,
      @ForAll("dues") long dueB, @ForAll String actorB, @ForAll("names") String nameB) {
    byte[] a = PhysicalKeys.alarmDueKey(dueA, actorA, nameA);
    byte[] b = PhysicalKeys.alarmDueKey(dueB, actorB, nameB);
    int byKey = Integer.signum(Arrays.compareUnsigned(a, b));
    if (dueA != dueB) {
      assertEquals(Long.signum(Long.compare(dueA, dueB)), byKey, "due time decides the order");
    } else if (!actorA.equals(actorB)) {
      assertEquals(Integer.signum(Arrays.compareUnsigned(PhysicalKeys.actorPrefix(actorA), PhysicalKeys.actorPrefix(actorB))), byKey);
    }
  }

  @Property(tries = 1000)
  void dueKeyRoundTrips(@ForAll("dues") long due, @ForAll String actor, @ForAll("names") String name) {
    assertEquals(new PhysicalKeys.DueEntry(due, actor, name), PhysicalKeys.decodeAlarmDueKey(PhysicalKeys.alarmDueKey(due, actor, name)));
  }

  @Property(tries = 1000)
  void alarmKeysLieOutsideEveryActorAndUnderTheirOwnPrefix(@ForAll String actor, @ForAll("names") String name, @ForAll("dues") long due) {
    byte[] alarm = PhysicalKeys.alarmKey(actor, name);
    byte[] indexed = PhysicalKeys.alarmDueKey(due, actor, name);
    for (byte[] key : new byte[][] {alarm, indexed}) {
      assertEquals(-1, PhysicalKeys.actorPrefixLength(key), "not inside any actor's pack(actor_id) range");
      assertEquals(PhysicalKeys.RESERVED, key[0]);
    }
    byte[] prefix = PhysicalKeys.alarmPrefix(actor);
    assertTrue(Arrays.equals(prefix, 0, prefix.length, alarm, 0, prefix.length), "an actor's alarms share its alarm prefix");
    assertTrue(Arrays.compareUnsigned(alarm, PhysicalKeys.ACTOR_RECORDS) > 0 && Arrays.compareUnsigned(alarm, PhysicalKeys.ALARMS_BY_DUE) < 0);
    assertTrue(Arrays.compareUnsigned(indexed, PhysicalKeys.FORMAT1_EXTRAS) > 0);
  }

  @Example
  void malformedDueKeysAreRejectedByName() {
    StoreException wrongPrefix = assertThrows(StoreException.class, () -> PhysicalKeys.decodeAlarmDueKey(PhysicalKeys.alarmKey("a", "n")));
    assertTrue(wrongPrefix.getMessage().contains("not an alarm due-index key"), wrongPrefix.getMessage());
    byte[] truncated = Arrays.copyOf(PhysicalKeys.alarmDueKey(5, "a", "n"), 5);
    StoreException bad = assertThrows(StoreException.class, () -> PhysicalKeys.decodeAlarmDueKey(truncated));
    assertTrue(bad.getMessage().contains("malformed"), bad.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PhysicalKeys.alarmDueKey(-1, "a", "n"));
  }

  @Provide
  Arbitrary<Long> dues() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(0, 300), Arbitraries.of(0L, 255L, 256L, 65535L, 65536L, Long.MAX_VALUE));
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.strings().ofMinLength(1).ofMaxLength(20);
  }
}
