package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.QueueOptions;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.ActorOwner;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Ownership on the PostgreSQL engine, with several stores (one per "node") in this JVM on one real
 * database: taking an actor, refusal naming the owner, release on close, waiting, and the fence: a write
 * from a stale epoch lands nothing and kills the handle. A lease is made to run out by moving its expiry
 * into the past with SQL (as a paused owner's would), so the tests need no sleeping past a lease.
 */
class PostgresOwnershipTest {
  private StoreFixture.Postgres fixture;
  private final List<ActorStore> stores = new ArrayList<>();

  @BeforeEach
  void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("ownership");
  }

  @AfterEach
  void close() {
    stores.forEach(ActorStore::close);
    fixture.close();
  }

  private ActorStore node(String name) {
    return node(name, Duration.ofSeconds(10));
  }

  private ActorStore node(String name, Duration ttl) {
    ActorStore s = PostgresEngine.openStore(fixture.uri(), StoreOptions.defaults(), new LeaseOptions(name, ttl));
    stores.add(s);
    return s;
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** What a paused owner's lease looks like once its time passed: expired by the database's clock. */
  private void expireLease(String actor) {
    fixture.execute("UPDATE actorkv.actors SET lease_expires = now() - interval '1 second' WHERE actor_id = '\\x"
        + java.util.HexFormat.of().formatHex(b(actor)) + "'");
  }

  @Test
  void aLiveOwnerKeepsOthersOutAndIsNamed() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    a.actor("x").put(b("\u0004k"), b("v"));
    ActorOwnedException e = assertThrows(ActorOwnedException.class, () -> b.actor("x"));
    assertEquals("node-a", e.owner());
    assertTrue(e.leaseExpires().isAfter(Instant.now().minusSeconds(5)), e.getMessage());
    assertTrue(e.getMessage().contains("node-a"), e.getMessage());
    List<ActorOwner> owners = b.owners("x");
    assertEquals(1, owners.size());
    assertEquals("node-a", owners.getFirst().node());
    assertEquals(1, owners.getFirst().epoch());
  }

  @Test
  void closingTheActorReleasesItAtOnce() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    ActorKeyspace ax = a.actor("x");
    ax.put(b("\u0004k"), b("v"));
    ax.close();
    assertThrows(Exception.class, () -> ax.get(b("\u0004k")), "a closed handle refuses");
    ActorKeyspace bx = b.actor("x");
    assertArrayEquals(b("v"), bx.get(b("\u0004k")));
    assertEquals(2, b.owners("x").getFirst().epoch());
    // and closing the whole store releases too
    b.close();
    ActorKeyspace again = a.actor("x");
    assertEquals(3, a.owners("x").getFirst().epoch());
    assertEquals(3, again.storageBytes());
  }

  @Test
  void closingManyHandlesAtOnceReleasesEachOfThem() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    List<ActorKeyspace> handles = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ActorKeyspace h = a.actor("many-" + i);
      h.put(b("\u0004k"), b("v" + i));
      handles.add(h);
    }
    handles.get(4).close(); // closed already: skipped
    ActorKeyspace kept = a.actor("kept");
    a.closeAll(handles);
    for (ActorOwner o : a.owners(null)) {
      assertEquals(o.actorId().equals("kept"), o.leaseExpires() != null, "only the handle left open keeps its lease: " + o);
    }
    for (int i = 0; i < 5; i++) {
      int n = i;
      assertThrows(Exception.class, () -> handles.get(n).get(b("\u0004k")), "a closed handle refuses");
      ActorKeyspace taken = b.actor("many-" + i); // at once: no lease left to wait for
      assertArrayEquals(b("v" + i), taken.get(b("\u0004k")));
      assertEquals(2, b.owners("many-" + i).getFirst().epoch());
    }
    assertThrows(ActorOwnedException.class, () -> b.actor("kept"));
    kept.put(b("\u0004k"), b("still")); // the handle left open still writes
    // A new handle on the first node takes the actor anew once the other node lets it go.
    b.closeAll(List.of(b.actor("many-0")));
    assertArrayEquals(b("v0"), a.actor("many-0").get(b("\u0004k")));
    assertEquals(3, a.owners("many-0").getFirst().epoch());
  }

  @Test
  void actorWaitsForTheOwnerUpToATimeout() throws Exception {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    ActorKeyspace ax = a.actor("x");
    assertThrows(ActorOwnedException.class, () -> b.actor("x", Duration.ofMillis(300)));
    Thread closer = Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        return;
      }
      ax.close();
    });
    assertNotNull(b.actor("x", Duration.ofSeconds(20)));
    closer.join();
  }

  @Test
  void aStaleOwnersWritesLandNothingAndItsHandleAndQueueAreDead() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    ActorKeyspace ax = a.actor("x");
    ActorQueue qa = ActorQueue.open(ax, QueueOptions.defaults());
    qa.enqueue("m", b("one"));
    ax.put(b("\u0004k"), b("old"));
    expireLease("x"); // node-a paused past its lease
    ActorKeyspace bx = b.actor("x");
    bx.put(b("\u0004k"), b("new"));
    ActorFencedException e = assertThrows(ActorFencedException.class, () -> ax.put(b("\u0004z"), b("zombie")));
    assertEquals(1, e.epoch());
    assertThrows(ActorFencedException.class, () -> ax.get(b("\u0004k")), "every later call on the handle");
    assertThrows(ActorFencedException.class, () -> ax.deleteAll());
    assertThrows(ActorFencedException.class, () -> qa.list(0, 10), "the queue answers nothing from memory");
    assertArrayEquals(b("new"), bx.get(b("\u0004k")));
    assertNull(bx.get(b("\u0004z")), "nothing of the stale write landed");
    assertEquals(bx.scanStorageBytes(), bx.storageBytes());
    assertEquals(bx.storageBytes(), bx.recordedStorageBytes());
    // The old node gets a fresh handle only once the new owner lets go.
    assertThrows(ActorOwnedException.class, () -> a.actor("x"));
    bx.close();
    assertArrayEquals(b("new"), a.actor("x").get(b("\u0004k")));
    assertEquals(3, a.owners("x").getFirst().epoch());
  }

  @Test
  void aStaleOwnersWriteIsRefusedByTheEpochBeforeTheNewOwnerWrote() {
    ActorStore a = node("node-a");
    ActorStore b = node("node-b");
    ActorKeyspace ax = a.actor("x");
    ax.put(b("\u0004k"), b("old"));
    expireLease("x");
    ActorKeyspace bx = b.actor("x"); // takes over, writes nothing: the commit sequence stays as node-a saw it
    assertThrows(ActorFencedException.class, () -> ax.put(b("\u0004k"), b("zombie")));
    assertArrayEquals(b("old"), bx.get(b("\u0004k")));
    assertThrows(ActorFencedException.class, () -> ax.rebuildStorageCount());
    assertEquals(bx.scanStorageBytes(), bx.recordedStorageBytes());
  }

  @Test
  void theRenewalFindsATakeoverAndFencesBeforeAnyWrite() throws Exception {
    ActorStore a = node("node-a", Duration.ofMillis(300));
    ActorStore b = node("node-b");
    ActorKeyspace ax = a.actor("x");
    ax.put(b("\u0004k"), b("v"));
    expireLease("x");
    b.actor("x");
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        ax.storageBytes();
        Thread.sleep(20);
      } catch (ActorFencedException e) {
        return; // the renewal (every 100 ms) saw the newer epoch
      }
    }
    throw new AssertionError("the renewal never found the takeover");
  }

  @Test
  void theRenewalKeepsALeaseAlivePastItsTime() throws Exception {
    ActorStore a = node("node-a", Duration.ofSeconds(1));
    ActorStore b = node("node-b");
    a.actor("x").put(b("\u0004k"), b("v"));
    Thread.sleep(2500); // more than two lease times
    assertThrows(ActorOwnedException.class, () -> b.actor("x"));
    a.actor("x").put(b("\u0004k"), b("w"));
  }

  /**
   * A node holding more leases than one renewal statement takes ({@link PostgresEngine#LEASE_CHUNK}) keeps
   * every one of them alive, and finds a takeover in any chunk: the chunks go out one after another and a
   * lease is renewed by exactly one of them.
   */
  @Test
  void theRenewalKeepsManyLeasesInChunksAndFindsATakeoverInAny() throws Exception {
    ActorStore a = node("node-a", Duration.ofSeconds(1));
    ActorStore b = node("node-b");
    int n = 2 * PostgresEngine.LEASE_CHUNK + 100;
    List<ActorKeyspace> handles = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      handles.add(a.actor(String.format("many-%05d", i)));
    }
    ActorKeyspace last = handles.getLast(); // in the last chunk: ids are renewed in their order
    expireLease(last.actorId());
    b.actor(last.actorId());
    Thread.sleep(2500); // more than two lease times
    for (int i : new int[] {0, PostgresEngine.LEASE_CHUNK - 1, PostgresEngine.LEASE_CHUNK, n - 2}) {
      String id = handles.get(i).actorId();
      assertThrows(ActorOwnedException.class, () -> b.actor(id), id + " kept its lease");
      handles.get(i).storageBytes(); // and its handle is alive
    }
    assertThrows(ActorFencedException.class, last::storageBytes, "the renewal found the takeover in the last chunk");
  }

  @Test
  void deletingAnActorKeepsItsEpoch() {
    ActorStore a = node("node-a");
    ActorKeyspace ax = a.actor("x");
    ax.put(b("\u0004k"), b("v"));
    ax.deleteAll();
    assertEquals(List.of(), a.actorIds(), "a deleted actor has no record");
    ax.close();
    a.actor("x").put(b("\u0004k"), b("w"));
    assertEquals(2, a.owners("x").getFirst().epoch(), "the epoch went on from where it was");
    assertEquals(List.of("x"), a.actorIds());
  }

  @Test
  void racingTakeoversOfAnExpiredActorHaveExactlyOneWinner() throws Exception {
    ActorStore first = node("node-0");
    first.actor("x").put(b("\u0004k"), b("v"));
    int n = 6;
    for (int round = 0; round < 5; round++) {
      // New nodes each round: a node that won before still holds its (stale) handle of the actor.
      List<ActorStore> racers = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        racers.add(node("node-" + round + "-" + i));
      }
      expireLease("x");
      CountDownLatch go = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(n);
      List<Future<Boolean>> results = new ArrayList<>();
      for (ActorStore s : racers) {
        results.add(pool.submit(() -> {
          go.await();
          try {
            s.actor("x");
            return true;
          } catch (ActorOwnedException e) {
            return false;
          }
        }));
      }
      go.countDown();
      int winners = 0;
      for (Future<Boolean> f : results) {
        winners += f.get() ? 1 : 0;
      }
      pool.shutdown();
      assertEquals(1, winners, "round " + round);
      assertEquals(round + 2, first.owners("x").getFirst().epoch());
    }
  }
}
