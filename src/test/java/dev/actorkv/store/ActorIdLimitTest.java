package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An actor id is limited in UTF-8 bytes and must be valid Unicode, checked before anything is done. */
class ActorIdLimitTest {
  static final byte[] K = {4, 'k'};

  @Test
  void theDefaultLimitIs1024BytesOfUtf8(@TempDir Path tmp) {
    assertEquals(1024, Limits.DEFAULTS.maxActorIdBytes());
    try (ActorStore store = ActorStore.open(tmp.resolve("db"))) {
      String longest = "a".repeat(1024);
      store.actor(longest).put(K, new byte[] {1});
      assertArrayEquals(new byte[] {1}, store.actor(longest).get(K));

      LimitExceededException e = assertThrows(LimitExceededException.class, () -> store.actor("a".repeat(1025)));
      assertEquals(LimitExceededException.Limit.ACTOR_ID_SIZE, e.limit());
      assertEquals(1025, e.value());
      assertEquals(1024, e.max());
      assertTrue(e.getMessage().contains("actor id size"), e.getMessage());

      // Counted in UTF-8 bytes, not chars: 513 two-byte chars are 1026 bytes.
      e = assertThrows(LimitExceededException.class, () -> store.actor("\u00e9".repeat(513)));
      assertEquals(1026, e.value());
      assertEquals(1, store.actorIds().size(), "nothing was written for a refused id");
    }
  }

  @Test
  void aHugeIdIsRefusedBeforeItIsEncoded(@TempDir Path tmp) {
    try (ActorStore store = ActorStore.open(tmp.resolve("db"))) {
      String huge = "x".repeat(64 << 20);
      LimitExceededException e = assertThrows(LimitExceededException.class, () -> store.actor(huge));
      assertEquals(64L << 20, e.value());
      try (ActorStore.StoreSnapshot s = store.snapshot()) {
        assertTrue(s.actorIds().isEmpty());
      }
    }
  }

  @Test
  void theLimitIsConfigurable(@TempDir Path tmp) {
    StoreOptions options = StoreOptions.DEFAULTS.withLimits(Limits.DEFAULTS.withMaxActorIdBytes(8));
    try (ActorStore store = ActorStore.open(tmp.resolve("db"), options)) {
      store.actor("12345678").put(K, new byte[] {1});
      assertThrows(LimitExceededException.class, () -> store.actor("123456789"));
    }
  }

  @Test
  void idsThatAreNotValidUnicodeAreRefused(@TempDir Path tmp) {
    try (ActorStore store = ActorStore.open(tmp.resolve("db"))) {
      assertThrows(IllegalArgumentException.class, () -> store.actor("a\ud800b"));
      assertThrows(IllegalArgumentException.class, () -> store.actor("\udc00"));
      assertThrows(IllegalArgumentException.class, () -> store.actor("end\ud83d"));
      store.actor("\ud83d\ude00").put(K, new byte[] {2}); // a paired surrogate is one code point
      assertEquals(1, store.actor("\ud83d\ude00").scan(KeyRange.all(), 10).size());
    }
  }
}
