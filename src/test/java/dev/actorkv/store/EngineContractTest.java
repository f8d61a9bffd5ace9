package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every engine must do beyond the model properties: iterators across many fetch pages, forward and
 * reverse, with ranges; storage counts of range deletes larger than a page; snapshots that do not see
 * later writes; actor listing and paging in the same order; values at the size limit; reopen. Runs on
 * RocksDB here and on PostgreSQL in {@link PostgresEngineContractTest}.
 */
class EngineContractTest {
  StoreFixture fixture;

  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
  }

  @AfterEach
  void close() {
    fixture.close();
  }

  static byte[] key(int i) {
    return ("\u0004k" + String.format("%05d", i)).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void iteratorsCrossManyPagesForwardAndReverse() {
    int n = 2600; // more than two of any engine's fetch pages
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("a");
      ActorBatch b = a.batch();
      for (int i = 0; i < n; i++) {
        b.put(key(i), new byte[] {(byte) i});
      }
      a.commit(b);
      store.actor("a\0").put(key(1), new byte[] {1}); // an id extending "a" stays out of its scans
      List<KeyValue> all = a.scan(KeyRange.all(), Integer.MAX_VALUE);
      assertEquals(n, all.size());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(key(i), all.get(i).key());
      }
      List<KeyValue> reverse = a.scan(KeyRange.all(), Integer.MAX_VALUE, true);
      assertEquals(n, reverse.size());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(key(n - 1 - i), reverse.get(i).key());
      }
      // A bounded range through an iterator, both ways.
      KeyRange r = KeyRange.of(key(500), key(2100));
      List<byte[]> fwd = new ArrayList<>();
      try (KeyValueIterator it = a.iterator(r, false)) {
        it.forEachRemaining(kv -> fwd.add(kv.key()));
      }
      assertEquals(1600, fwd.size());
      assertArrayEquals(key(500), fwd.getFirst());
      assertArrayEquals(key(2099), fwd.getLast());
      List<byte[]> rev = new ArrayList<>();
      try (KeyValueIterator it = a.iterator(r, true)) {
        while (it.hasNext()) {
          assertArrayEquals(it.peekKey(), it.next().key());
          rev.add(null);
        }
      }
      assertEquals(1600, rev.size());
      assertArrayEquals(key(2099), a.first(r, true).key());
      assertArrayEquals(key(500), a.first(r, false).key());
      assertEquals(3, a.scan(r, 3, true).size());
      // Storage of a range delete wider than a page is counted exactly.
      a.deleteRange(KeyRange.of(key(100), key(2500)));
      assertEquals(a.scanStorageBytes(), a.storageBytes());
      assertEquals(200, a.scan(KeyRange.all(), Integer.MAX_VALUE).size());
      assertEquals(1, store.actor("a\0").scan(KeyRange.all(), 10).size());
    }
  }

  @Test
  void snapshotsDoNotSeeLaterWrites() {
    try (ActorStore store = fixture.open()) {
      store.actor("x").put(key(1), new byte[] {1});
      try (ActorStore.StoreSnapshot snap = store.snapshot()) {
        store.actor("x").put(key(2), new byte[] {2});
        store.actor("x").delete(key(1));
        store.actor("y").put(key(1), new byte[] {3});
        List<byte[]> seen = new ArrayList<>();
        try (KeyValueIterator it = snap.iterator("x", KeyRange.all(), false)) {
          it.forEachRemaining(kv -> seen.add(kv.key()));
        }
        assertEquals(1, seen.size());
        assertArrayEquals(key(1), seen.getFirst());
        assertEquals(List.of("x"), snap.actorIds());
      }
      assertEquals(List.of("x", "y"), store.actorIds());
    }
  }

  @Test
  void actorIdsAreListedAndPagedInOneOrder() {
    List<String> ids = List.of("b", "a", "a\0", "a\0b", "ab", "\0", "é", "🙂", "Z", "a/..", "");
    try (ActorStore store = fixture.open()) {
      for (String id : ids) {
        store.actor(id).put(key(0), id.getBytes(StandardCharsets.UTF_8));
      }
      List<String> sorted = new ArrayList<>(ids);
      sorted.sort((x, y) -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
      assertEquals(sorted, store.actorIds());
      List<String> paged = new ArrayList<>();
      String after = null;
      for (List<String> page; !(page = store.actorIds(after, 3)).isEmpty(); after = page.getLast()) {
        paged.addAll(page);
      }
      assertEquals(sorted, paged);
      try (ActorStore.StoreSnapshot snap = store.snapshot()) {
        assertEquals(sorted, snap.actorIds());
      }
      store.actor("ab").deleteAll();
      assertTrue(!store.actorIds().contains("ab"));
    }
  }

  @Test
  void valuesAtTheLimitAndMultiGetSurviveReopen() {
    byte[] big = new byte[Limits.DEFAULTS.maxValueBytes()];
    new java.util.Random(7).nextBytes(big);
    byte[] longKey = new byte[Limits.DEFAULTS.maxKeyBytes()];
    Arrays.fill(longKey, (byte) 0x04);
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("big");
      a.commit(a.batch().put(key(1), big).put(longKey, new byte[0]));
      assertThrows(LimitExceededException.class, () -> a.put(key(2), new byte[big.length + 1]));
      assertEquals(key(1).length + big.length + longKey.length, a.storageBytes());
    }
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("big");
      assertEquals(key(1).length + big.length + longKey.length, a.storageBytes());
      List<byte[]> got = a.multiGet(List.of(key(1), key(3), longKey, key(1)));
      assertArrayEquals(big, got.get(0));
      assertNull(got.get(1));
      assertArrayEquals(new byte[0], got.get(2));
      assertArrayEquals(big, got.get(3));
      assertEquals(a.storageBytes(), a.recordedStorageBytes());
    }
  }

  @Test
  void metadataIsKeptWithTheCommitAndIsNotActorStorage() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("m");
      a.commit(a.batch().put(key(1), new byte[] {1}).setMetadata(new byte[] {9, 8}));
      assertArrayEquals(new byte[] {9, 8}, a.metadata());
      assertEquals(a.scanStorageBytes(), a.storageBytes(), "metadata is not actor storage");
      assertNull(store.actor("n").metadata(), "metadata is per actor");
    }
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("m");
      assertArrayEquals(new byte[] {9, 8}, a.metadata());
      a.commit(a.batch().put(key(2), new byte[] {2}));
      assertArrayEquals(new byte[] {9, 8}, a.metadata(), "a commit without metadata keeps it");
      a.rebuildStorageCount();
      assertArrayEquals(new byte[] {9, 8}, a.metadata(), "rebuilding the count keeps it");
      a.commit(a.batch().setMetadata(new byte[0]));
      assertNull(a.metadata(), "empty metadata clears it");
      a.commit(a.batch().setMetadata(new byte[ActorBatch.MAX_METADATA_BYTES]));
    }
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("m");
      assertArrayEquals(new byte[ActorBatch.MAX_METADATA_BYTES], a.metadata());
      LimitExceededException e = assertThrows(LimitExceededException.class,
          () -> a.batch().setMetadata(new byte[ActorBatch.MAX_METADATA_BYTES + 1]));
      assertEquals(LimitExceededException.Limit.METADATA_SIZE, e.limit());
      a.deleteAll();
      assertNull(a.metadata(), "deleting the actor deletes its metadata");
    }
    try (ActorStore store = fixture.open()) {
      assertNull(store.actor("m").metadata());
    }
  }

  @Test
  void aSnapshotGivesTheMetadataOfItsOwnPointInTime() {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("m");
      a.commit(a.batch().put(key(1), new byte[] {1}).setMetadata(new byte[] {1}));
      try (ActorStore.StoreSnapshot before = store.snapshot()) {
        a.commit(a.batch().put(key(2), new byte[] {2}).setMetadata(new byte[] {2}));
        assertArrayEquals(new byte[] {1}, before.metadata("m"), "the metadata as of the snapshot, not as now");
        assertNull(before.metadata("n"), "an actor without a record has none");
        try (ActorStore.StoreSnapshot after = store.snapshot()) {
          assertArrayEquals(new byte[] {2}, after.metadata("m"));
        }
      }
    }
  }

  @Test
  void aReadOnlyOpenOfNothingIsRefusedAndCreatesNothing() {
    fixture.destroy();
    StoreOptions readOnly = StoreOptions.defaults().withCreateIfMissing(false);
    assertThrows(IncompatibleStoreException.class, () -> fixture.open(readOnly));
    assertThrows(IncompatibleStoreException.class, () -> fixture.open(readOnly), "still nothing to open");
    fixture.open().close();
    fixture.open(readOnly).close();
  }
}
