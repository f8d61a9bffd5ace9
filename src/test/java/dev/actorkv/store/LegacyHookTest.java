package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.keyspace.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's two migration hooks: the migration marker in a batch, and the legacy handler of actor(). */
class LegacyHookTest {
  @TempDir Path dir;

  @Test
  void markerIsWrittenAtomicallyWithTheBatchAndIsNotActorStorage() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(new byte[] {0x04, 1}, new byte[] {1});
      long storage = a.storageBytes();
      assertFalse(a.batch().setMigrationMarker(new byte[] {1}).isEmpty());
      a.commit(a.batch().setMigrationMarker(new byte[] {1, 2, 3}));
      assertArrayEquals(new byte[] {1, 2, 3}, a.migrationMarker());
      assertEquals(storage, a.storageBytes());
      assertEquals(storage, a.scanStorageBytes());
      assertNull(store.actor("b").migrationMarker(), "markers are per actor");

      a.commit(a.batch().put(new byte[] {0x04, 2}, new byte[] {2}).setMigrationMarker(new byte[0]));
      assertNull(a.migrationMarker(), "an empty marker deletes it");
      a.commit(a.batch().setMigrationMarker(new byte[] {9}));
      a.deleteAll();
      assertNull(a.migrationMarker(), "deleting the actor deletes its marker");
    }
  }

  @Test
  void aFailedBatchDoesNotWriteItsMarker() {
    dev.actorkv.testing.FailingFaults faults = new dev.actorkv.testing.FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace a = store.actor("a");
      faults.failWriteAfter(0);
      assertThrows(StoreException.class, () -> a.commit(a.batch().put(new byte[] {0x04}, new byte[] {1}).setMigrationMarker(new byte[] {1})));
      assertNull(a.migrationMarker());
    }
  }

  @Test
  void handlerRunsOnlyForLegacyActorsAndOnceAtATime() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("legacy").put(LegacyKeys.queueMessage(1), new byte[] {1});
      store.actor("v1").put(QueueKeys.message(1), new byte[] {1});
    }
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    LegacyHandler migrateOnce = actor -> {
      calls.incrementAndGet();
      if (inside.incrementAndGet() != 1) {
        throw new AssertionError("two handlers at once");
      }
      try {
        Thread.sleep(50);
        actor.commit(actor.batch().delete(LegacyKeys.queueMessage(1)).put(QueueKeys.message(1), new byte[] {1}).setLayoutVersion(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inside.decrementAndGet();
      }
    };
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withLegacyHandler(migrateOnce))) {
      store.actor("v1");
      assertEquals(0, calls.get());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<ActorKeyspace>> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        got.add(pool.submit(() -> {
          start.await();
          return store.actor("legacy");
        }));
      }
      start.countDown();
      for (Future<ActorKeyspace> f : got) {
        assertSame(store.actor("legacy"), f.get());
      }
      pool.shutdown();
      assertEquals(1, calls.get());
      assertEquals(1, store.actor("legacy").layoutVersion());
    }
  }

  @Test
  void aThrowingHandlerFailsActorAndRunsAgainNextTime() {
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("legacy").put(LegacyKeys.queueMetadata(), new byte[] {1});
    }
    AtomicInteger calls = new AtomicInteger();
    LegacyHandler failing = actor -> {
      calls.incrementAndGet();
      throw new LegacyLayoutException(actor.actorId());
    };
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withLegacyHandler(failing))) {
      assertThrows(LegacyLayoutException.class, () -> store.actor("legacy"));
      assertThrows(LegacyLayoutException.class, () -> store.actor("legacy"));
      assertEquals(2, calls.get());
    }
    try (ActorStore store = ActorStore.open(dir)) {
      assertEquals(0, store.actor("legacy").layoutVersion(), "OPEN_AS_IS is the store's default");
      assertArrayEquals(new byte[] {1}, store.actor("legacy").get(LegacyKeys.queueMetadata()));
    }
  }
}
