package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.tuple.Tuple;
import java.util.Arrays;

/**
 * Physical key layout (ACTOR_KV_STRUCTURE.md section 5): {@code pack(actor_id)} then the logical key. Logical keys
 * never start with 0xFF, so an actor's keys lie in {@code [prefix, prefix + FF)}, which excludes every
 * other actor, including one whose id extends this one with a NUL ({@code pack("a\0")} starts with
 * {@code pack("a") + FF}). Store-wide bookkeeping lives under keys starting 0xFF.
 */
final class PhysicalKeys {
  static final byte RESERVED = (byte) 0xff;
  /** {@code FF 01}: store format record. */
  static final byte[] FORMAT_KEY = {RESERVED, 0x01};
  /** {@code FF 02 + pack(actor_id)}: per-actor record (storage bytes, metadata). */
  static final byte[] ACTOR_RECORDS = {RESERVED, 0x02};
  /**
   * {@code FF 03 + pack(actor_id)}: a per-actor value that stores of record format 1 kept for the layer
   * above beside the record; read into the actor's metadata, deleted when the record is next written.
   */
  static final byte[] FORMAT1_EXTRAS = {RESERVED, 0x03};
  /**
   * {@code FF 04 + pack(actor_id, alarm_name)}: an actor's alarm (due time and payload). Under the store's
   * bookkeeping keys, so alarms never change an actor's logical keyspace (issue 20).
   */
  static final byte[] ALARMS = {RESERVED, 0x04};
  /**
   * {@code FF 05 + pack(due_epoch_millis, actor_id, alarm_name)}: the store-wide due-time index. The tuple
   * integer encoding sorts by value, so the first key under this prefix is the next alarm due across all
   * actors: one seek, O(log n), no scan. Rebuildable from the {@link #ALARMS} records.
   */
  static final byte[] ALARMS_BY_DUE = {RESERVED, 0x05};

  private PhysicalKeys() {}

  static byte[] actorPrefix(String actorId) {
    return Tuple.of(actorId).pack();
  }

  static byte[] actorRecordKey(String actorId) {
    return Tuple.of(actorId).packWithPrefix(ACTOR_RECORDS);
  }

  static byte[] format1ExtraKey(String actorId) {
    return Tuple.of(actorId).packWithPrefix(FORMAT1_EXTRAS);
  }

  /**
   * Length of the {@code pack(actor_id)} prefix at the start of a physical key ({@code 02}, the string's
   * bytes with {@code 00} escaped as {@code 00 FF}, then {@code 00}), or -1 when the key does not start
   * with one.
   */
  static int actorPrefixLength(byte[] physical) {
    if (physical.length == 0 || physical[0] != 0x02) {
      return -1;
    }
    for (int i = 1; i < physical.length; i++) {
      if (physical[i] == 0) {
        if (i + 1 < physical.length && physical[i + 1] == RESERVED) {
          i++;
        } else {
          return i + 1;
        }
      }
    }
    return -1;
  }

  /** The actor id of a {@code pack(actor_id)} prefix; throws StoreException when it is not one. */
  static String actorIdOfPrefix(byte[] prefix) {
    try {
      return Tuple.fromBytes(prefix).getString(0);
    } catch (RuntimeException e) {
      throw new StoreException("physical key prefix " + com.google.common.io.BaseEncoding.base16().lowerCase().encode(prefix)
          + " is not pack(actor_id): " + e.getMessage(), e);
    }
  }

  static byte[] alarmKey(String actorId, String alarmName) {
    return Tuple.of(actorId, alarmName).packWithPrefix(ALARMS);
  }

  /** Prefix of all alarm records of one actor: deleting an actor deletes this range. */
  static byte[] alarmPrefix(String actorId) {
    return Tuple.of(actorId).packWithPrefix(ALARMS);
  }

  static byte[] alarmDueKey(long dueEpochMillis, String actorId, String alarmName) {
    if (dueEpochMillis < 0) {
      throw new IllegalArgumentException("alarm due time must not be before 1970-01-01T00:00:00Z: " + dueEpochMillis);
    }
    return Tuple.of(dueEpochMillis, actorId, alarmName).packWithPrefix(ALARMS_BY_DUE);
  }

  /** One entry of the due-time index, decoded from its key. */
  record DueEntry(long dueEpochMillis, String actorId, String alarmName) {}

  /** Decodes a {@link #alarmDueKey} key; throws StoreException naming the key when it is not one. */
  static DueEntry decodeAlarmDueKey(byte[] key) {
    if (key.length < ALARMS_BY_DUE.length || key[0] != ALARMS_BY_DUE[0] || key[1] != ALARMS_BY_DUE[1]) {
      throw new StoreException("not an alarm due-index key: " + com.google.common.io.BaseEncoding.base16().lowerCase().encode(key));
    }
    try {
      Tuple t = Tuple.fromBytes(key, ALARMS_BY_DUE.length);
      if (t.size() != 3) {
        throw new IllegalArgumentException("expected (due, actor, name), got " + t.size() + " elements");
      }
      return new DueEntry(t.getLong(0), t.getString(1), t.getString(2));
    } catch (RuntimeException e) {
      throw new StoreException("alarm due-index key " + com.google.common.io.BaseEncoding.base16().lowerCase().encode(key)
          + " is malformed: " + e.getMessage(), e);
    }
  }

  static String actorIdOfRecordKey(byte[] key) {
    return Tuple.fromBytes(key, ACTOR_RECORDS.length).getString(0);
  }

  static byte[] physical(byte[] prefix, byte[] logical) {
    byte[] out = Arrays.copyOf(prefix, prefix.length + logical.length);
    System.arraycopy(logical, 0, out, prefix.length, logical.length);
    return out;
  }

  /**
   * Begin (inclusive) of the physical range of a logical range. A logical begin at or above the reserved
   * byte is clamped to the actor's end: unclamped, {@code prefix + FF ...} would reach into the keys of
   * the actor whose id extends this one with a NUL.
   */
  static byte[] begin(byte[] prefix, KeyRange range) {
    byte[] begin = range.begin();
    if (begin.length > 0 && begin[0] == RESERVED) {
      return physical(prefix, new byte[] {RESERVED});
    }
    return physical(prefix, begin);
  }

  /** End (exclusive) of the physical range; an unbounded logical end stops at the reserved byte. */
  static byte[] end(byte[] prefix, KeyRange range) {
    byte[] end = range.end();
    if (end.length == 0 || (end[0] & 0xff) == 0xff) {
      return physical(prefix, new byte[] {RESERVED});
    }
    return physical(prefix, end);
  }

  /**
   * Rejects an actor id that is not valid Unicode (an unpaired surrogate) with
   * {@link IllegalArgumentException}, on every engine: such an id has no UTF-8 bytes to store.
   */
  static void checkActorId(String actorId) {
    actorPrefix(actorId);
  }

  static void checkLogical(byte[] key) {
    if (key.length == 0) {
      throw new InvalidKeyException("logical key must not be empty");
    }
    if (key[0] == RESERVED) {
      throw new InvalidKeyException("logical keys must not start with the reserved byte 0xff");
    }
  }
}
