package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ownership API on RocksDB: the one process holding the store (its lock file keeps others out) owns
 * every actor, so taking an actor never waits or fails, there are no owners to list, and closing a
 * handle only closes it.
 */
class RocksDbOwnershipTest {
  @TempDir Path dir;

  @Test
  void theProcessHoldingTheStoreOwnsEveryActor() {
    byte[] key = {4, 'k'};
    try (ActorStore store = ActorStore.open(dir.resolve("db"))) {
      ActorKeyspace a = store.actor("a");
      assertSame(a, store.actor("a", Duration.ZERO));
      a.put(key, new byte[] {1});
      assertEquals(List.of(), store.owners(null));
      a.close();
      assertThrows(StoreException.class, () -> a.get(key), "a closed handle refuses");
      assertThrows(StoreException.class, () -> a.put(key, new byte[] {2}));
      ActorKeyspace again = store.actor("a");
      assertNotSame(a, again);
      assertArrayEquals(new byte[] {1}, again.get(key));
      assertEquals(3, again.storageBytes());
    }
  }
}
