package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.proto.StoreFormat;
import dev.actorkv.testing.FailingFaults;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class ActorStoreTest {
  @TempDir Path dir;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytes(int n, int fill) {
    byte[] v = new byte[n];
    Arrays.fill(v, (byte) fill);
    return v;
  }

  /** Writes raw bytes into the closed store's RocksDB, bypassing the library. */
  void rawWrite(byte[] key, byte[] value) throws Exception {
    try (Options o = new Options(); RocksDB db = RocksDB.open(o, dir.toString())) {
      if (value == null) {
        db.delete(key);
      } else {
        db.put(key, value);
      }
    }
  }

  @Test
  void exactQuotaWithOverwrites() {
    Limits limits = Limits.DEFAULTS.withMaxStorageBytes(100);
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withLimits(limits))) {
      ActorKeyspace a = store.actor("a");
      byte[] k1 = b("\u0004k1"); // 3 bytes
      byte[] k2 = b("\u0004k2");
      a.put(k1, bytes(47, 1)); // 50
      a.put(k2, bytes(47, 2)); // 100: exactly at the limit passes
      assertEquals(100, a.storageBytes());
      LimitExceededException e = assertThrows(LimitExceededException.class, () -> a.put(k2, bytes(48, 3)));
      assertEquals(LimitExceededException.Limit.ACTOR_STORAGE, e.limit());
      assertEquals(101, e.value());
      assertEquals(100, e.max());
      assertArrayEquals(bytes(47, 2), a.get(k2), "rejected overwrite wrote nothing");
      a.put(k2, bytes(47, 4)); // same size overwrite: delta 0 at the limit passes
      a.put(k1, bytes(10, 5)); // shrink gives space back
      assertEquals(63, a.storageBytes());
      a.put(k2, bytes(84, 6)); // 13 + 87 = 100 again
      assertEquals(100, a.storageBytes());
      // A batch that frees and uses space in one go is judged by its net effect.
      a.commit(a.batch().delete(k1).put(b("\u0004k3"), bytes(10, 7)));
      assertEquals(100, a.storageBytes());
      a.delete(b("\u0004k3"));
      a.deleteRange(KeyRange.prefix(new byte[] {4}));
      assertEquals(0, a.storageBytes());
      assertEquals(0, a.scanStorageBytes());
      assertEquals(0, a.recordedStorageBytes());
    }
  }

  @Test
  void keyAndValueSizeLimitsAreExact() {
    Limits limits = new Limits(8, 16, 1 << 20);
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withLimits(limits))) {
      ActorKeyspace a = store.actor("a");
      a.put(bytes(8, 4), bytes(16, 0));
      LimitExceededException k = assertThrows(LimitExceededException.class, () -> a.put(bytes(9, 4), new byte[0]));
      assertEquals(LimitExceededException.Limit.KEY_SIZE, k.limit());
      assertEquals(9, k.value());
      assertEquals(8, k.max());
      LimitExceededException v = assertThrows(LimitExceededException.class, () -> a.put(bytes(2, 4), bytes(17, 0)));
      assertEquals(LimitExceededException.Limit.VALUE_SIZE, v.limit());
      assertEquals(17, v.value());
      assertTrue(v.getMessage().contains("value size") && v.getMessage().contains("17") && v.getMessage().contains("16"), v.getMessage());
      // A violation anywhere in a batch rejects all of it.
      assertThrows(LimitExceededException.class, () -> a.commit(a.batch().put(b("\u0004x"), b("ok")).put(bytes(9, 4), b("no"))));
      assertNull(a.get(b("\u0004x")));
      assertEquals(24, a.storageBytes());
    }
  }

  @Test
  void defaultLimitsMatchTheSpec() {
    assertEquals(2048, Limits.DEFAULTS.maxKeyBytes());
    assertEquals(128 * 1024, Limits.DEFAULTS.maxValueBytes());
    assertEquals(10L << 30, Limits.DEFAULTS.maxStorageBytes());
  }

  @Test
  void failedBatchLeavesNothingBehind() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace a = store.actor("a");
      a.put(b("\u0004a"), b("1"));
      long before = a.storageBytes();
      faults.failWriteAfter(0);
      assertThrows(FailingFaults.InjectedFault.class,
          () -> a.commit(a.batch().put(b("\u0004b"), b("2")).delete(b("\u0004a")).deleteRange(KeyRange.all())));
      assertEquals(1, faults.injected());
      assertEquals(before, a.storageBytes());
      assertEquals(before, a.scanStorageBytes());
      assertEquals(before, a.recordedStorageBytes());
      assertArrayEquals(b("1"), a.get(b("\u0004a")));
      assertNull(a.get(b("\u0004b")));
      faults.failWriteAfter(0);
      assertThrows(FailingFaults.InjectedFault.class, a::deleteAll);
      assertArrayEquals(b("1"), a.get(b("\u0004a")));
      assertEquals(before, a.storageBytes());
    }
  }

  @Test
  void reopenPreservesDataAndCounts() {
    List<String> ids = List.of("", "a", "a\0", "ab", "a/..", "日本");
    try (ActorStore store = ActorStore.open(dir)) {
      for (String id : ids) {
        store.actor(id).put(b("\u0004" + id + "k"), b("v-" + id));
        store.actor(id).put(new byte[] {1}, bytes(100, 9));
      }
    }
    try (ActorStore store = ActorStore.open(dir)) {
      for (String id : ids) {
        ActorKeyspace a = store.actor(id);
        assertArrayEquals(b("v-" + id), a.get(b("\u0004" + id + "k")));
        long expected = b("\u0004" + id + "k").length + b("v-" + id).length + 101;
        assertEquals(expected, a.storageBytes());
        assertEquals(expected, a.recordedStorageBytes());
        assertEquals(expected, a.scanStorageBytes());
        assertEquals(2, a.scan(KeyRange.all(), 10).size());
      }
      assertEquals(ids.stream().sorted((x, y) -> Arrays.compareUnsigned(PhysicalKeys.actorPrefix(x), PhysicalKeys.actorPrefix(y))).toList(),
          store.actorIds());
      try (ActorStore.StoreSnapshot s = store.snapshot()) {
        assertEquals(store.actorIds(), s.actorIds());
      }
    }
  }

  @Test
  void lostOrCorruptRecordIsRebuiltByScan() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("a").put(b("\u0004k"), b("value"));
      store.actor("b").put(b("\u0004k"), b("value!"));
    }
    rawWrite(PhysicalKeys.actorRecordKey("a"), null);
    rawWrite(PhysicalKeys.actorRecordKey("b"), new byte[] {(byte) 0xff, 0x7f});
    try (ActorStore store = ActorStore.open(dir)) {
      assertEquals(-1, store.actor("a").recordedStorageBytes());
      assertEquals(7, store.actor("a").storageBytes(), "recounted by scan");
      assertEquals(8, store.actor("b").storageBytes(), "recounted by scan");
      store.actor("a").put(b("\u0004j"), b("x"));
      assertEquals(10, store.actor("a").recordedStorageBytes(), "next commit writes the rebuilt record");
      assertEquals(8, store.actor("b").rebuildStorageCount());
      assertEquals(8, store.actor("b").recordedStorageBytes());
    }
  }

  @Test
  void newerFormatIsRefusedWithAClearError() throws Exception {
    ActorStore.open(dir).close();
    rawWrite(PhysicalKeys.FORMAT_KEY, StoreFormat.newBuilder().setFormatVersion(ActorStore.FORMAT_VERSION + 1).build().toByteArray());
    IncompatibleStoreException e = assertThrows(IncompatibleStoreException.class, () -> ActorStore.open(dir));
    assertTrue(e.getMessage().contains("format version " + (ActorStore.FORMAT_VERSION + 1)), e.getMessage());
    assertTrue(e.getMessage().contains("upgrade"), e.getMessage());
    // The refused open released the database lock: a correct record opens again.
    rawWrite(PhysicalKeys.FORMAT_KEY, StoreFormat.newBuilder().setFormatVersion(ActorStore.FORMAT_VERSION).build().toByteArray());
    ActorStore.open(dir).close();
    rawWrite(PhysicalKeys.FORMAT_KEY, new byte[] {(byte) 0xff});
    assertThrows(IncompatibleStoreException.class, () -> ActorStore.open(dir));
  }

  @Test
  void missingStoreWithoutCreateIsRefused() {
    assertThrows(IncompatibleStoreException.class,
        () -> ActorStore.open(dir.resolve("nope"), StoreOptions.defaults().withCreateIfMissing(false)));
  }

  @Test
  void deletingAnActorIsOneRangeDeleteAndSparesOthers() {
    FailingFaults faults = new FailingFaults();
    List<String> ids = List.of("", "a", "a\0", "ab", "a\0b", "\0");
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      for (String id : ids) {
        for (int i = 1; i <= 50; i++) {
          store.actor(id).put(new byte[] {4, (byte) i}, b(id + i));
        }
      }
      long writes = faults.writes();
      store.actor("a").deleteAll();
      assertEquals(writes + 1, faults.writes(), "one write");
      assertEquals(0, store.actor("a").storageBytes());
      assertTrue(store.actor("a").scan(KeyRange.all(), 10).isEmpty());
      for (String id : ids) {
        if (!id.equals("a")) {
          assertEquals(50, store.actor(id).scan(KeyRange.all(), 100).size(), id);
          assertEquals(store.actor(id).scanStorageBytes(), store.actor(id).storageBytes());
        }
      }
      assertFalse(store.actorIds().contains("a"));
    }
  }

  @Test
  void rangesAtTheReservedByteNeverReachTheNulExtendedActor() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      ActorKeyspace aNul = store.actor("a\0");
      a.put(new byte[] {4, 1}, b("mine"));
      aNul.put(new byte[] {4, 1}, b("other"));
      byte[] ff = {(byte) 0xff};
      List<KeyRange> ranges = List.of(
          KeyRange.of(ff, new byte[0]),
          KeyRange.of(new byte[] {(byte) 0xff, 0x00}, new byte[0]),
          KeyRange.of(new byte[] {(byte) 0xff, 0x00}, new byte[] {(byte) 0xff, 0x01}),
          KeyRange.of(new byte[] {(byte) 0xff, 0x00, 0x04}, new byte[] {(byte) 0xff, (byte) 0xff}));
      for (KeyRange r : ranges) {
        assertTrue(a.scan(r, 10, false).isEmpty(), r.toString());
        assertTrue(a.scan(r, 10, true).isEmpty(), r.toString());
        assertNull(a.first(r, true));
        a.deleteRange(r);
      }
      assertArrayEquals(b("other"), aNul.get(new byte[] {4, 1}));
      assertArrayEquals(b("mine"), a.get(new byte[] {4, 1}));
      assertEquals(6, a.storageBytes());
      assertThrows(InvalidKeyException.class, () -> a.get(new byte[] {(byte) 0xff, 0x00, 0x04, 0x01}));
      assertThrows(InvalidKeyException.class, () -> a.put(new byte[0], b("x")));
    }
  }

  @Test
  void reverseScansWithLimits() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      for (int i = 0; i < 10; i++) {
        a.put(new byte[] {4, (byte) i}, new byte[] {(byte) i});
      }
      store.actor("a\0").put(new byte[] {4, 0x20}, b("x"));
      store.actor("b").put(new byte[] {4, 0x00}, b("x"));
      List<KeyValue> rev = a.scan(KeyRange.of(new byte[] {4, 2}, new byte[] {4, 7}), 3, true);
      assertEquals(List.of(6, 5, 4), rev.stream().map(kv -> (int) kv.value()[0]).toList());
      assertEquals(9, a.first(KeyRange.all(), true).value()[0]);
      assertEquals(0, a.first(KeyRange.all(), false).value()[0]);
      assertEquals(10, a.scan(KeyRange.all(), 100, true).size());
    }
  }

  @Test
  void invalidActorIdsAreRejected() {
    try (ActorStore store = ActorStore.open(dir)) {
      assertThrows(IllegalArgumentException.class, () -> store.actor("bad\uD800"));
      assertThrows(NullPointerException.class, () -> store.actor(null));
    }
  }

  @Test
  void closedStoreRefusesUseAndReleasesOpenIterators() {
    ActorStore store = ActorStore.open(dir);
    ActorKeyspace a = store.actor("a");
    a.put(new byte[] {4, 1}, b("1"));
    a.put(new byte[] {4, 2}, b("2"));
    KeyValueIterator it = a.iterator(KeyRange.all(), false);
    assertTrue(it.hasNext());
    it.next();
    ActorStore.StoreSnapshot snap = store.snapshot();
    store.close();
    store.close(); // idempotent
    StoreException e = assertThrows(StoreException.class, it::hasNext);
    assertEquals("store is closed", e.getMessage());
    assertThrows(StoreException.class, it::next);
    it.close();
    snap.close();
    assertThrows(StoreException.class, () -> a.get(new byte[] {4, 1}));
    assertThrows(StoreException.class, () -> a.put(new byte[] {4, 1}, b("x")));
    assertThrows(StoreException.class, () -> store.actor("b"));
    assertThrows(StoreException.class, store::snapshot);
    assertThrows(StoreException.class, store::actorIds);
    assertThrows(StoreException.class, () -> snap.iterator("a", KeyRange.all(), false));
  }

  @Test
  void snapshotIsConsistent() {
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("a").put(new byte[] {4, 1}, b("old"));
      try (ActorStore.StoreSnapshot snap = store.snapshot()) {
        store.actor("a").put(new byte[] {4, 1}, b("new"));
        store.actor("a").put(new byte[] {4, 2}, b("added"));
        store.actor("z").put(new byte[] {4, 2}, b("added"));
        try (KeyValueIterator it = snap.iterator("a", KeyRange.all(), false)) {
          assertArrayEquals(b("old"), it.next().value());
          assertFalse(it.hasNext());
        }
        assertEquals(List.of("a"), snap.actorIds());
      }
    }
  }

  @Test
  void manyActorsInParallelThreads() throws Exception {
    int threads = 8;
    int actorsPerThread = 40;
    int batches = 10;
    try (ActorStore store = ActorStore.open(dir)) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        futures.add(pool.submit(() -> {
          for (int n = 0; n < batches; n++) {
            for (int i = 0; i < actorsPerThread; i++) {
              // ids prefix each other across threads: "7", "7\0", "7x"...
              ActorKeyspace a = store.actor(thread + (i % 2 == 0 ? "" : "\0") + "-" + i);
              a.commit(a.batch().put(new byte[] {4, (byte) n}, bytes(n + 1, n)).put(new byte[] {1}, b("state" + n)));
            }
          }
          return null;
        }));
      }
      // Readers and snapshots run alongside the writers.
      for (int r = 0; r < 20; r++) {
        try (ActorStore.StoreSnapshot s = store.snapshot()) {
          s.actorIds();
        }
      }
      for (Future<?> f : futures) {
        f.get();
      }
      pool.shutdown();
      long expected = 0;
      for (int n = 0; n < batches; n++) {
        expected += 2 + n + 1;
      }
      expected += 1 + ("state" + (batches - 1)).length();
      assertEquals(threads * actorsPerThread, store.actorIds().size());
      for (String id : store.actorIds()) {
        ActorKeyspace a = store.actor(id);
        assertEquals(expected, a.storageBytes(), id);
        assertEquals(expected, a.scanStorageBytes(), id);
        assertEquals(batches + 1, a.scan(KeyRange.all(), 100).size());
      }
    }
  }

  @Test
  void closeWaitsForConcurrentUsers() throws Exception {
    ActorStore store = ActorStore.open(dir);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<Integer>> futures = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      futures.add(pool.submit(() -> {
        int ok = 0;
        ActorKeyspace a = store.actor("t" + thread);
        try {
          for (int i = 0; ; i++) {
            a.put(new byte[] {4, (byte) i}, bytes(32, i));
            try (KeyValueIterator it = a.iterator(KeyRange.all(), i % 2 == 0)) {
              while (it.hasNext()) {
                it.next();
              }
            }
            ok++;
          }
        } catch (StoreException e) {
          assertEquals("store is closed", e.getMessage());
        }
        return ok;
      }));
    }
    Thread.sleep(300);
    store.close();
    for (Future<Integer> f : futures) {
      f.get(); // no JVM crash, every thread ends with "store is closed"
    }
    pool.shutdown();
  }
}
