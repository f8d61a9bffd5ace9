package dev.actorkv.pekko;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.tuple.Tuple;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/** The Pekko sub-layout of user_kv (ACTOR_KV_STRUCTURE.md §4): its bytes, and ranges that are sequence-number ranges. */
class PekkoKeysProperties {
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  @Example
  void keysAreTheDocumentedBytes() {
    // [04] user_kv, then pack("pekko", kind, sequenceNr): 02 "pekko" 00, 15 kind, 15 05.
    assertEquals("040270656b6b6f0015011505", HEX.encode(PekkoKeys.event(5)));
    assertEquals("040270656b6b6f001502", HEX.encode(PekkoKeys.highest()));
    assertEquals("040270656b6b6f0015031505", HEX.encode(PekkoKeys.snapshot(5)));
    assertArrayEquals(ActorKeys.userKv(HEX.decode("0270656b6b6f0015011505")), PekkoKeys.event(5));
  }

  @Property
  void eventRangeHoldsExactlyItsSequenceNumbers(
      @ForAll @LongRange(min = -2, max = 1000) long from,
      @ForAll @LongRange(min = -2, max = 1000) long to,
      @ForAll @LongRange(min = 0, max = 1000) long seq) {
    KeyRange r = PekkoKeys.events(from, to);
    assertEquals(seq >= from && seq <= to, r.contains(PekkoKeys.event(seq)));
    assertFalse(r.contains(PekkoKeys.snapshot(seq)));
    assertFalse(r.contains(PekkoKeys.highest()));
  }

  @Property
  void largeSequenceNumbersOrderAndBound(@ForAll @LongRange(min = 0) long seq, @ForAll @LongRange(min = 0) long bound) {
    assertEquals(seq <= bound, PekkoKeys.snapshots(0, bound).contains(PekkoKeys.snapshot(seq)));
    assertEquals(seq, PekkoKeys.sequenceNr(PekkoKeys.event(seq)));
    assertEquals(seq, PekkoKeys.sequenceNr(PekkoKeys.snapshot(seq)));
    assertFalse(PekkoKeys.events(0, Long.MAX_VALUE).contains(PekkoKeys.snapshot(seq)));
  }

  @Property
  void isEventAgreesWithUnpackingTheKey(@ForAll @LongRange(min = 0) long seq, @ForAll @LongRange(min = -1) long asked) {
    assertEquals(seq == asked, PekkoKeys.isEvent(PekkoKeys.event(seq), asked));
    assertFalse(PekkoKeys.isEvent(PekkoKeys.snapshot(seq), seq));
    assertFalse(PekkoKeys.isEvent(PekkoKeys.highest(), seq));
    assertTrue(PekkoKeys.eventsAndHighest().contains(PekkoKeys.event(seq)));
    assertFalse(PekkoKeys.eventsAndHighest().contains(PekkoKeys.snapshot(seq)));
  }

  @Example
  void theHighestRecordIsTheLastKeyOfEventsAndHighest() {
    assertTrue(PekkoKeys.eventsAndHighest().contains(PekkoKeys.highest()));
    assertTrue(PekkoKeys.isHighest(PekkoKeys.highest()));
    assertFalse(PekkoKeys.isHighest(PekkoKeys.event(Long.MAX_VALUE)));
  }

  @Example
  void foreignKeysAndValuesAreRefusedByName() {
    assertThrows(PekkoRecordException.class, () -> PekkoKeys.sequenceNr(PekkoKeys.highest()));
    assertThrows(PekkoRecordException.class, () -> PekkoKeys.sequenceNr(ActorKeys.userKv(new byte[] {(byte) 0xff})));
    assertThrows(PekkoRecordException.class, () -> PekkoValues.readEvent(new byte[] {0x01, 0x02}, "p", 1, null));
    assertThrows(PekkoRecordException.class, () -> PekkoValues.readEvent(Tuple.of(1L, "", new byte[0], "", "").pack(), "p", 1, null));
    assertThrows(PekkoRecordException.class, () -> PekkoValues.readSnapshot(PekkoValues.highest(3)));
    assertThrows(PekkoRecordException.class, () -> PekkoValues.readHighest(Tuple.of(1L, "", new byte[0], "", "", 0L).pack()));
    assertThrows(IllegalArgumentException.class, () -> PekkoKeys.event(-1));
  }
}
