package dev.actorkv.migrate;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import java.util.Arrays;

/**
 * Finds out whether an actor holds any legacy-layout key with a few bounded seeks, never by reading the
 * v1 data around them (ACTOR_KV_STRUCTURE.md section 2 for the layouts):
 * <ul>
 *   <li>{@code 06}, exactly: the legacy queue metadata (one point read).
 *   <li>{@code 07} and {@code 08}: v1 data is under {@code [p 01]}; every other key of the prefix is
 *       legacy, so one seek into {@code [p, p 01)} and one into {@code [p 02, p+1)}.
 *   <li>{@code 09}: every key is legacy (one seek).
 *   <li>{@code 05}: legacy queue messages are 9 bytes ({@code 05} + u64) and sort among the v1 queue's
 *       keys ({@code 05 01 01}, {@code 05 01 02} + u64): a skip-scan seeks to the first key, and past
 *       a v1 key straight to the first key whose first 9 bytes are greater, so it takes one seek per
 *       65 536 v1 message ids at most.
 * </ul>
 */
final class LegacyDetector {
  private static final int LEGACY_QUEUE_MESSAGE_LENGTH = 9;

  private LegacyDetector() {}

  static boolean hasLegacyKeys(ActorKeyspace actor) {
    if (actor.get(new byte[] {0x06}) != null) {
      return true;
    }
    for (byte p : new byte[] {0x07, 0x08}) {
      if (actor.first(KeyRange.of(new byte[] {p}, new byte[] {p, 0x01}), false) != null
          || actor.first(KeyRange.of(new byte[] {p, 0x02}, new byte[] {(byte) (p + 1)}), false) != null) {
        return true;
      }
    }
    if (actor.first(KeyRange.prefix(new byte[] {0x09}), false) != null) {
      return true;
    }
    return hasLegacyQueueMessage(actor);
  }

  private static boolean hasLegacyQueueMessage(ActorKeyspace actor) {
    byte[] from = {0x05};
    byte[] end = {0x06};
    while (true) {
      KeyValue kv = actor.first(KeyRange.of(from, end), false);
      if (kv == null) {
        return false;
      }
      byte[] k = kv.key();
      if (LegacyKeys.isLegacy(k)) {
        return true;
      }
      if (k.length < LEGACY_QUEUE_MESSAGE_LENGTH) {
        from = KeyRange.keyAfter(k);
      } else {
        // A 9-byte key greater than k is greater than k's first 9 bytes: skip every key that starts so.
        from = KeyRange.strinc(Arrays.copyOf(k, LEGACY_QUEUE_MESSAGE_LENGTH)); // k starts 05: never all FF
      }
    }
  }
}
