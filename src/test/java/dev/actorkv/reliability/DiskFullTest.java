package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk gives a clear, typed error, changes nothing, and the store reopens with all its data. */
class DiskFullTest {
  @TempDir Path dir;

  @Test
  void fullDiskRefusesWritesClearlyAndTheStoreReopensWithEverything() {
    Path db = dir.resolve("db");
    ActorStore.open(db).close();
    long budget = DiskFullFaults.usedBytes(db) + 256 * 1024;
    DiskFullFaults full = new DiskFullFaults(db, budget);
    Map<Integer, byte[]> acknowledged = new LinkedHashMap<>();
    int failedKey;
    try (ActorStore store = ActorStore.open(db, StoreOptions.defaults().withFaults(full))) {
      ActorKeyspace actor = store.actor("a");
      int i = 0;
      DiskFullFaults.DiskFullException error;
      while (true) {
        byte[] value = StoreSweeps.bytes(4096, i);
        long before = actor.storageBytes();
        try {
          actor.put(key(i), value);
        } catch (DiskFullFaults.DiskFullException e) {
          error = e;
          assertEquals(before, actor.storageBytes(), "a refused write changed the storage count");
          break;
        }
        acknowledged.put(i, value);
        i++;
        assertTrue(i < 10_000, "the disk never filled up");
      }
      failedKey = i;
      assertTrue(acknowledged.size() > 10, "budget too small to test anything: " + acknowledged.size());
      assertTrue(error.getMessage().startsWith("disk full: ") && error.getMessage().contains(budget + "-byte budget"),
          error.getMessage());
      // Still full: deletes, batches and syncs are refused too, with the same clear error.
      assertThrows(DiskFullFaults.DiskFullException.class, () -> actor.delete(key(0)));
      assertThrows(DiskFullFaults.DiskFullException.class, store::sync);
      // Reads keep working.
      assertArrayEquals(acknowledged.get(0), actor.get(key(0)));
      assertNull(actor.get(key(failedKey)));
      assertTrue(full.refused() >= 3);
    }
    // Reopened on the still-full disk: opens, reads, refuses writes.
    try (ActorStore store = ActorStore.open(db, StoreOptions.defaults().withFaults(new DiskFullFaults(db, budget)))) {
      assertArrayEquals(acknowledged.get(1), store.actor("a").get(key(1)));
      assertThrows(DiskFullFaults.DiskFullException.class, () -> store.actor("a").put(key(failedKey), new byte[1]));
    }
    // Space freed: everything acknowledged is there, nothing else, the count is exact, writes work again.
    try (ActorStore store = ActorStore.open(db)) {
      ActorKeyspace actor = store.actor("a");
      DiskImage image = DiskImage.of(store, "a");
      assertEquals(acknowledged.size(), image.entries().size());
      for (Map.Entry<Integer, byte[]> e : acknowledged.entrySet()) {
        assertArrayEquals(e.getValue(), actor.get(key(e.getKey())));
      }
      assertEquals(image.scannedStorageBytes(), image.recordedStorageBytes());
      assertEquals(image.scannedStorageBytes(), actor.storageBytes());
      actor.put(key(failedKey), new byte[] {1});
      assertArrayEquals(new byte[] {1}, actor.get(key(failedKey)));
    }
  }

  private static byte[] key(int i) {
    return ActorKeys.userKv(new byte[] {(byte) (i >>> 8), (byte) i});
  }
}
