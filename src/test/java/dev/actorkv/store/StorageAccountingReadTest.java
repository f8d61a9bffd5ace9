package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accounting read of a put or delete takes three paths: the bloom filters and memtable prove the
 * key absent, the old value comes back from memory (memtable or block cache), or it is read from an
 * SST file. Each must give the exact old length, so the recorded count always equals a recount.
 */
class StorageAccountingReadTest {
  @TempDir Path dir;

  private static byte[] key(int i) {
    return ("k" + i).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void countStaysExactForKeysInMemtableInFilesAndAbsent() {
    Random random = new Random(42);
    // NONE: close() flushes the memtable, so after a reopen every old value lives in an SST file only.
    StoreOptions options = StoreOptions.defaults().withDurability(Durability.NONE);
    for (int round = 0; round < 4; round++) {
      try (ActorStore store = ActorStore.open(dir, options)) {
        ActorKeyspace actor = store.actor("a");
        for (int op = 0; op < 400; op++) {
          int k = random.nextInt(300);
          ActorBatch b = actor.batch();
          if (random.nextInt(5) == 0) {
            b.delete(key(k));
          } else {
            b.put(key(k), new byte[random.nextInt(64)]);
          }
          if (random.nextBoolean()) {
            b.put(key(random.nextInt(300)), new byte[random.nextInt(64)]);
          }
          actor.commit(b);
          if (op % 50 == 0) {
            // Pulls blocks into the block cache: later reads of these keys come back from memory.
            actor.scan(dev.actorkv.keyspace.KeyRange.all(), 1000);
          }
        }
        assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "round " + round);
      }
      try (ActorStore store = ActorStore.open(dir, options)) {
        ActorKeyspace actor = store.actor("a");
        assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "after reopen, round " + round);
        assertEquals(actor.scanStorageBytes(), actor.recordedStorageBytes());
      }
    }
  }
}
