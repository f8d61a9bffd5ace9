package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOwner;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValueIterator;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.Limits;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.CuttingProxy;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Round trips to the server per store call, counted by a real TCP proxy between the engine and the
 * server (each ReadyForQuery the server sends ends one): a commit is one round trip, also when the store
 * does not know the old lengths of the keys it changes (the commit statement reads them), and so is a
 * get, a multi-get and a short scan; a commit with a range delete is one statement too (the store reads the
 * range's sizes and the old lengths first). Not counted: a pool checking a connection it hands out, a connection's start-up. The storage count stays exact, and the storage limit is still checked
 * before anything is written.
 */
class PostgresRoundTripsTest {
  private static final long LIMIT = 20_000;

  private StoreFixture.Postgres fixture;
  private CuttingProxy proxy;
  private String proxied;
  private ActorStore store;

  @BeforeEach
  void open() throws IOException {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("roundtrips");
    proxy = new CuttingProxy(fixture.cluster().port());
    proxied = fixture.uri().replace(":" + fixture.cluster().port() + "/", ":" + proxy.port() + "/");
    store = openStore();
  }

  /** Leases long enough that no renewal falls inside a counted call. */
  private ActorStore openStore() {
    StoreOptions options = StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxStorageBytes(LIMIT));
    return PostgresEngine.openStore(proxied, options, new LeaseOptions("round-trips", Duration.ofMinutes(10)));
  }

  @AfterEach
  void close() throws IOException {
    store.close();
    proxy.close();
    fixture.close();
  }

  private static byte[] key(String prefix, int i) {
    return ("\u0004" + prefix + i).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The fewest round trips of three runs of {@code call} (given the run, 0 to 2): the pool's own traffic
   * (a connection it starts meanwhile) can fall into one run.
   */
  private long roundTrips(java.util.function.IntConsumer call) {
    long fewest = Long.MAX_VALUE;
    for (int run = 0; run < 3; run++) {
      long before = proxy.roundTrips();
      call.accept(run);
      fewest = Math.min(fewest, proxy.roundTrips() - before);
    }
    return fewest;
  }

  private static void assertExact(ActorKeyspace a) {
    assertEquals(a.scanStorageBytes(), a.storageBytes());
    assertEquals(a.storageBytes(), a.recordedStorageBytes());
  }

  @Test
  void aCommitIsOneRoundTripAlsoWhenTheOldLengthsAreUnknown() {
    ActorKeyspace a = store.actor("commits");
    assertEquals(1, roundTrips(run -> {
      ActorBatch first = a.batch();
      for (int i = 0; i < 100; i++) {
        first.put(key("a" + run + "-", i), new byte[10]);
      }
      a.commit(first);
    }), "a commit of new keys");
    assertEquals(1, roundTrips(run -> {
      ActorBatch mixed = a.batch(); // the store remembers the keys of the last commit only
      for (int i = 0; i < 50; i++) {
        mixed.put(key("a" + run + "-", i), new byte[30 + i]); // overwrites of keys of unknown length
        mixed.delete(key("a" + run + "-", 50 + i));
        mixed.put(key("c" + run + "-", i), new byte[5]); // new keys
      }
      mixed.put(key("a" + run + "-", 0), new byte[7]); // the same key twice in one batch
      a.commit(mixed);
    }), "overwrites and deletes of keys of unknown length");
    assertEquals(1, roundTrips(run -> a.put(key("c0-", 1), new byte[3 + run])), "a commit of a key of known length");
    assertExact(a);
    assertEquals(3, roundTrips(run -> {
      ActorBatch ranged = a.batch();
      ranged.put(key("c" + run + "-", 1), new byte[9]); // put, then dropped by the range
      ranged.deleteRange(KeyRange.of(key("c" + run + "-", 0), key("c" + run + "-", 3)));
      ranged.put(key("c" + run + "-", 2), new byte[11]); // put again after the range
      ranged.delete(key("c" + run + "-", 20));
      ranged.put(key("a1-", 1), new byte[4]);
      a.commit(ranged);
      // The store reads the sizes in the range (one query) and the old lengths of the keys it does not
      // know (another); then the commit is one statement (the range delete was a transaction of its own).
    }), "a commit with a range delete");
    assertArrayEquals(new byte[11], a.get(key("c1-", 2)));
    assertNull(a.get(key("c1-", 1)));
    assertNull(a.get(key("c1-", 20)));
    assertExact(a);

    // A new store remembers nothing: its count comes from the record, and its commits still count exactly.
    store.close();
    store = openStore();
    ActorKeyspace b = store.actor("commits");
    ActorBatch again = b.batch();
    for (int i = 0; i < 100; i++) {
      again.put(key("a0-", i), new byte[i]); // half of them exist
    }
    again.delete(key("c0-", 2));
    again.delete(key("never", 1));
    long before = proxy.roundTrips();
    b.commit(again);
    assertTrue(proxy.roundTrips() - before <= 1 + 1, "one round trip (and the pool starting a connection)");
    assertExact(b);
  }

  /**
   * Opening an actor for writing is one round trip: the statement that takes its lease answers its record,
   * and for an actor with no record whether it holds any key, so a new actor is not scanned for its count.
   * An actor with keys but no record (its record lost) is still counted by a scan.
   */
  @Test
  void openingAnActorIsOneRoundTrip() {
    assertEquals(1, roundTrips(run -> store.actor("new-" + run)), "a new actor");
    for (int run = 0; run < 3; run++) {
      store.actor("written-" + run).put(key("k", run), new byte[10]);
    }
    store.close();
    store = openStore();
    ActorKeyspace[] opened = new ActorKeyspace[3];
    assertEquals(1, roundTrips(run -> opened[run] = store.actor("written-" + run)), "an actor with a record");
    for (ActorKeyspace a : opened) {
      assertEquals(13, a.storageBytes());
      assertExact(a);
    }
    store.close();
    fixture.execute("UPDATE actorkv.actors SET commit_seq = 0, storage_bytes = 0 WHERE actor_id = convert_to('written-0', 'UTF8')");
    store = openStore();
    ActorKeyspace lost = store.actor("written-0");
    assertEquals(13, lost.storageBytes(), "keys without a record are counted");
    assertEquals(13, lost.scanStorageBytes());
  }

  /**
   * A new actor's reads before its first write (a persistent actor's recovery: its snapshot, its highest
   * sequence number) ask the server nothing: opening it found no record and no key, and nothing else can
   * write it while this node owns it. The first write ends that, and so does a failed one; {@code deleteAll}
   * starts it again.
   */
  @Test
  void aNewActorsReadsBeforeItsFirstWriteMakeNoRoundTrip() {
    ActorKeyspace[] actors = new ActorKeyspace[3];
    assertEquals(1, roundTrips(run -> actors[run] = store.actor("fresh-" + run)), "opening");
    assertEquals(0, roundTrips(run -> {
      ActorKeyspace a = actors[run];
      assertNull(a.get(key("k", 1)));
      assertEquals(java.util.Arrays.asList(null, null), a.multiGet(List.of(key("k", 1), key("k", 2))));
      assertEquals(List.of(), a.scan(KeyRange.all(), 10, true));
      assertNull(a.first(KeyRange.all(), false));
      try (KeyValueIterator it = a.iterator(KeyRange.all(), false)) {
        assertTrue(!it.hasNext());
      }
      assertEquals(0, a.scanStorageBytes());
    }), "reads of a new actor");
    ActorKeyspace a = actors[0];
    assertThrows(LimitExceededException.class, () -> a.put(key("big", 0), new byte[(int) LIMIT]));
    assertEquals(0, roundTrips(run -> assertNull(a.get(key("big", 0)))), "a write refused before writing");
    a.put(key("k", 1), new byte[10]);
    assertEquals(1, roundTrips(run -> assertArrayEquals(new byte[10], a.get(key("k", 1)))), "a read after a write");
    assertEquals(1, a.scan(KeyRange.all(), 10).size());
    a.deleteAll();
    assertEquals(0, roundTrips(run -> assertEquals(List.of(), a.scan(KeyRange.all(), 10))), "a read after deleteAll");
    a.put(key("k", 2), new byte[5]);
    assertEquals(1, a.scan(KeyRange.all(), 10).size());
    assertExact(a);

    // Written by a store that closed meanwhile: the next handle has a record, and reads ask the server.
    store.close();
    store = openStore();
    ActorKeyspace reopened = store.actor("fresh-0");
    assertEquals(1, roundTrips(run -> assertArrayEquals(new byte[5], reopened.get(key("k", 2)))), "a read of a known actor");
  }

  @Test
  void closingManyHandlesIsOneRoundTrip() {
    List<List<ActorKeyspace>> runs = new ArrayList<>();
    for (int run = 0; run < 3; run++) {
      List<ActorKeyspace> handles = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        handles.add(store.actor("idle-" + run + "-" + i));
      }
      runs.add(handles);
    }
    assertEquals(1, roundTrips(run -> store.closeAll(runs.get(run))), "closing 50 handles");
    for (ActorOwner o : store.owners(null)) {
      assertTrue(!o.actorId().startsWith("idle-") || o.leaseExpires() == null, "released: " + o);
    }
  }

  @Test
  void theStorageLimitIsCheckedBeforeWritingWhenTheCommitReadsTheOldLengths() {
    ActorKeyspace a = store.actor("limits");
    ActorBatch fill = a.batch();
    for (int i = 0; i < 15; i++) {
      fill.put(key("k", i), new byte[1000]);
    }
    a.commit(fill); // ~15 KB of 20 KB
    a.put(key("other", 0), new byte[1]); // the store forgets k's lengths
    long before = a.storageBytes();

    // Overwriting with values 400 bytes larger each: 15 * 400 = 6 000 more, over the limit only once
    // the old lengths are known (counted as absent, the batch would add 15 * 1 400).
    ActorBatch grow = a.batch();
    for (int i = 0; i < 15; i++) {
      grow.put(key("k", i), new byte[1400]);
    }
    LimitExceededException e = assertThrows(LimitExceededException.class, () -> a.commit(grow));
    assertEquals(before + 15 * 400, e.value());
    assertEquals(before, a.storageBytes());
    assertArrayEquals(new byte[1000], a.get(key("k", 3)));
    assertExact(a);

    // Growing within the limit once the old lengths are subtracted is allowed (as absent it would not be).
    ActorBatch within = a.batch();
    for (int i = 0; i < 15; i++) {
      within.put(key("k", i), new byte[1200]);
    }
    a.commit(within);
    assertEquals(before + 15 * 200, a.storageBytes());
    assertExact(a);

    // Over the limit (it was lowered under the store): shrinking is allowed, growing is not.
    store.close();
    store = PostgresEngine.openStore(proxied, StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxStorageBytes(1000)),
        new LeaseOptions("round-trips", Duration.ofMinutes(10)));
    ActorKeyspace b = store.actor("limits");
    ActorBatch shrink = b.batch();
    shrink.put(key("k", 0), new byte[100]);
    shrink.delete(key("k", 1));
    b.commit(shrink);
    assertNull(b.get(key("k", 1)));
    assertExact(b);
    ActorBatch bigger = b.batch();
    bigger.put(key("k", 2), new byte[1201]);
    assertThrows(LimitExceededException.class, () -> b.commit(bigger));
    assertArrayEquals(new byte[1200], b.get(key("k", 2)));
    assertExact(b);
  }

  @Test
  void readsAreOneRoundTrip() {
    ActorKeyspace a = store.actor("reads");
    ActorBatch fill = a.batch();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fill.put(key("k", 1000 + i), new byte[40]);
      keys.add(key("k", 1000 + i));
    }
    a.commit(fill);
    assertEquals(1, roundTrips(run -> a.get(key("k", 1005))), "get");
    assertEquals(1, roundTrips(run -> a.multiGet(keys.subList(0, 100))), "multi-get");
    assertEquals(1, roundTrips(run -> {
      int n = 0;
      try (KeyValueIterator it = a.iterator(KeyRange.of(key("k", 1000), key("k", 1100)), false)) {
        while (it.hasNext()) {
          it.next();
          n++;
        }
      }
      assertEquals(100, n);
    }), "a 100-key scan");
  }
}
