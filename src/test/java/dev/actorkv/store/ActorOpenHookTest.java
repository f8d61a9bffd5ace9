package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

/** The store's two hooks for the layers above: the opaque metadata in a batch, and the open hook of actor(). */
class ActorOpenHookTest {
  @TempDir Path dir;

  @Test
  void metadataIsWrittenAtomicallyWithTheBatchAndIsNotActorStorage() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(new byte[] {0x04, 1}, new byte[] {1});
      long storage = a.storageBytes();
      assertFalse(a.batch().setMetadata(new byte[] {1}).isEmpty());
      a.commit(a.batch().setMetadata(new byte[] {1, 2, 3}));
      assertArrayEquals(new byte[] {1, 2, 3}, a.metadata());
      assertEquals(storage, a.storageBytes());
      assertEquals(storage, a.scanStorageBytes());
      assertNull(store.actor("b").metadata(), "metadata is per actor");

      a.commit(a.batch().put(new byte[] {0x04, 2}, new byte[] {2}).setMetadata(new byte[0]));
      assertNull(a.metadata(), "empty metadata clears it");
      a.commit(a.batch().setMetadata(new byte[] {9}));
      a.deleteAll();
      assertNull(a.metadata(), "deleting the actor deletes its metadata");
    }
  }

  @Test
  void aFailedBatchDoesNotWriteItsMetadata() {
    dev.actorkv.testing.FailingFaults faults = new dev.actorkv.testing.FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace a = store.actor("a");
      faults.failWriteAfter(0);
      assertThrows(StoreException.class, () -> a.commit(a.batch().put(new byte[] {0x04}, new byte[] {1}).setMetadata(new byte[] {1})));
      assertNull(a.metadata());
    }
    try (ActorStore store = ActorStore.open(dir)) {
      assertNull(store.actor("a").metadata());
    }
  }

  @Test
  void hookRunsOnceAtATimeAndNotAgainOnceItPassed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger inside = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ActorOpenHook slow = actor -> {
      calls.incrementAndGet();
      if (inside.incrementAndGet() != 1) {
        throw new AssertionError("two hooks at once");
      }
      try {
        Thread.sleep(50);
        actor.commit(actor.batch().setMetadata(new byte[] {7}));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        inside.decrementAndGet();
      }
    };
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withOpenHook(slow))) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<ActorKeyspace>> got = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        got.add(pool.submit(() -> {
          start.await();
          return store.actor("a");
        }));
      }
      start.countDown();
      for (Future<ActorKeyspace> f : got) {
        ActorKeyspace a = f.get();
        assertSame(store.actor("a"), a);
        assertArrayEquals(new byte[] {7}, a.metadata(), "no handle is handed out before its hook finished");
      }
      pool.shutdown();
      assertEquals(1, calls.get());
      store.actor("a");
      assertEquals(1, calls.get(), "a handle whose hook passed is handed out without running it again");
      store.actor("b");
      assertEquals(2, calls.get(), "each actor runs the hook");
    }
  }

  @Test
  void aThrowingHookFailsActorAndRunsAgainNextTime() {
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("a").put(new byte[] {0x04}, new byte[] {1});
    }
    AtomicInteger calls = new AtomicInteger();
    ActorOpenHook failTwice = actor -> {
      if (calls.incrementAndGet() <= 2) {
        throw new IllegalStateException("not yet");
      }
    };
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withOpenHook(failTwice))) {
      assertThrows(IllegalStateException.class, () -> store.actor("a"));
      assertThrows(IllegalStateException.class, () -> store.actor("a"));
      ActorKeyspace a = store.actor("a");
      assertArrayEquals(new byte[] {1}, a.get(new byte[] {0x04}));
      assertEquals(3, calls.get());
    }
    try (ActorStore store = ActorStore.open(dir)) {
      assertArrayEquals(new byte[] {1}, store.actor("a").get(new byte[] {0x04}), "NONE is the store's default");
    }
  }

  @Test
  void hooksRunInOrder() {
    List<String> order = new ArrayList<>();
    ActorOpenHook both = ((ActorOpenHook) actor -> order.add("first")).andThen(actor -> order.add("second"));
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withOpenHook(both))) {
      store.actor("a");
    }
    assertEquals(List.of("first", "second"), order);
    assertSame(ActorOpenHook.NONE, ActorOpenHook.NONE.andThen(ActorOpenHook.NONE));
  }
}
