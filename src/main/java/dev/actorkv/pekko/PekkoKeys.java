package dev.actorkv.pekko;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.tuple.Tuple;

/**
 * The Pekko persistence sub-layout inside a persistent actor's {@code user_kv} namespace (one actor per
 * persistence id): {@code [04] + pack("pekko", kind, ...)}. Kinds: 1 an event at {@code pack("pekko", 1,
 * sequenceNr)}; 2 the highest sequence number written, kept by a delete so that deleting every event does
 * not reset it, at {@code pack("pekko", 2)}; 3 a snapshot at {@code pack("pekko", 3, sequenceNr)}. Packed
 * integers order numerically, so a key range is a sequence-number range. ACTOR_KV_STRUCTURE.md documents it.
 */
final class PekkoKeys {
  /** The first tuple element: marks the part of user_kv the plugins own. */
  static final String TAG = "pekko";
  static final long EVENT = 1;
  static final long HIGHEST = 2;
  static final long SNAPSHOT = 3;
  /** Every event key starts with this; the packed sequence number follows. */
  private static final byte[] EVENT_PREFIX = key(Tuple.of(TAG, EVENT));
  private static final byte[] HIGHEST_KEY = key(Tuple.of(TAG, HIGHEST));

  private PekkoKeys() {}

  static byte[] event(long sequenceNr) {
    return key(Tuple.of(TAG, EVENT, checkSequenceNr(sequenceNr)));
  }

  /** Events with sequence numbers in {@code [from, to]} (from clamped to 0; empty when to < from). */
  static KeyRange events(long from, long to) {
    return between(EVENT, from, to);
  }

  /**
   * Whether {@code key} is the key of the event {@code sequenceNr}: a comparison of bytes instead of
   * unpacking the key (a replay checks every key it reads). Packing is element by element, so the key is
   * the events' prefix followed by the packed sequence number.
   */
  static boolean isEvent(byte[] key, long sequenceNr) {
    if (sequenceNr < 0 || key.length <= EVENT_PREFIX.length
        || !java.util.Arrays.equals(key, 0, EVENT_PREFIX.length, EVENT_PREFIX, 0, EVENT_PREFIX.length)) {
      return false;
    }
    byte[] seq = Tuple.of(sequenceNr).pack();
    return java.util.Arrays.equals(key, EVENT_PREFIX.length, key.length, seq, 0, seq.length);
  }

  /**
   * The events and the highest-sequence-number record together (kinds 1 and 2 are adjacent): read
   * backwards, the record (when there is one) comes first, then the last event.
   */
  static KeyRange eventsAndHighest() {
    return KeyRange.of(key(Tuple.of(TAG, EVENT, 0L)), KeyRange.prefix(highest()).end());
  }

  static boolean isHighest(byte[] key) {
    return java.util.Arrays.equals(key, HIGHEST_KEY);
  }

  static byte[] highest() {
    return key(Tuple.of(TAG, HIGHEST));
  }

  static byte[] snapshot(long sequenceNr) {
    return key(Tuple.of(TAG, SNAPSHOT, checkSequenceNr(sequenceNr)));
  }

  /** Snapshots with sequence numbers in {@code [from, to]} (from clamped to 0; empty when to < from). */
  static KeyRange snapshots(long from, long to) {
    return between(SNAPSHOT, from, to);
  }

  /** The sequence number of an event or snapshot key; a key of another shape throws. */
  static long sequenceNr(byte[] key) {
    Tuple t;
    try {
      t = Tuple.fromBytes(ActorKeys.userKey(key));
    } catch (RuntimeException e) {
      throw new PekkoRecordException("not a pekko persistence key: " + e.getMessage(), e);
    }
    if (t.size() != 3 || !TAG.equals(t.get(0)) || !(t.get(2) instanceof Long seq) || seq < 0) {
      throw new PekkoRecordException("not a pekko event or snapshot key: " + t);
    }
    return seq;
  }

  private static KeyRange between(long kind, long from, long to) {
    long lo = Math.max(from, 0);
    byte[] begin = key(Tuple.of(TAG, kind, lo));
    if (to < lo) {
      return KeyRange.of(begin, begin);
    }
    // Every key of kind `kind` at sequence number `to` starts with this, and no key of a larger number does.
    return KeyRange.of(begin, KeyRange.prefix(key(Tuple.of(TAG, kind, to))).end());
  }

  private static byte[] key(Tuple t) {
    return ActorKeys.userKv(t.pack());
  }

  private static long checkSequenceNr(long sequenceNr) {
    if (sequenceNr < 0) {
      throw new IllegalArgumentException("sequence number must be >= 0, got " + sequenceNr);
    }
    return sequenceNr;
  }
}
