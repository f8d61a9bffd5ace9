package dev.actorkv.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The library API: backups taken while another thread commits to the same store are consistent
 * snapshots of the whole store, on both engines.
 */
class BackupsTest {
  @TempDir Path tmp;

  static byte[] counter(long n) {
    return ByteBuffer.allocate(8).putLong(n).array();
  }

  static long read(ActorStore store, String actor) {
    byte[] v = store.actor(actor).get(ActorKeys.persistedData());
    return v == null ? 0 : ByteBuffer.wrap(v).getLong();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "postgresql"})
  void backupsTakenWhileTheStoreIsWrittenAreConsistent(String engine) throws Exception {
    try (StoreFixture fixture = engine.equals("rocksdb") ? StoreFixture.rocksDb() : StoreFixture.postgres("backup-api");
        ActorStore store = fixture.open()) {
      // The writer commits x = i, then y = i: every consistent view has y == x or y == x - 1. A backup
      // reading x, then y from a later state, would see y > x.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer = new Thread(() -> {
        try {
          for (long i = 1; !stop.get(); i++) {
            store.actor("x").put(ActorKeys.persistedData(), counter(i));
            store.actor("y").put(ActorKeys.persistedData(), counter(i));
          }
        } catch (Throwable t) {
          failure.set(t);
        }
      });
      writer.start();
      Path dest = tmp.resolve("dest");
      int backups = 0;
      try {
        while (backups < 6) {
          Backups.backup(store, dest);
          backups++;
        }
      } finally {
        stop.set(true);
        writer.join();
      }
      assertEquals(null, failure.get());
      assertEquals(backups, Backups.list(dest).size());
      for (long n = 1; n <= backups; n++) {
        try (StoreFixture target = StoreFixture.rocksDb(); ActorStore restored = target.open()) {
          Backups.restore(dest, n, restored, List.of(), false);
          long x = read(restored, "x");
          long y = read(restored, "y");
          assertTrue(y == x || y == x - 1, "backup " + n + ": x=" + x + " y=" + y);
        }
      }
      // Restoring over the live store refuses before writing anything.
      assertThrows(RestoreConflictException.class, () -> Backups.restore(dest, null, store, List.of("x"), false));
    }
  }
}
