package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.ActorOwner;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Ownership transitions against a model: three nodes (stores) take, write through, close and lose (the
 * lease runs out, by SQL) one actor in random order. The model says who may take the actor, which
 * handle's writes land and which are fenced, what the actor holds and its epoch; the real engine must
 * agree at every step. Leases last a minute, so the renewal never runs inside a try: every fence comes
 * from the epoch check of a write.
 */
class OwnershipModelProperties {
  private static StoreFixture.Postgres fixture;
  private static final AtomicInteger ACTORS = new AtomicInteger();
  private static final int NODES = 3;

  @BeforeContainer
  static void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("ownership_model");
  }

  @AfterContainer
  static void close() {
    fixture.close();
  }

  /** 0 take, 1 write, 2 close, 3 lease runs out; then the node. */
  record Step(int kind, int node) {}

  @Provide
  Arbitrary<List<Step>> programs() {
    // Few closes: most takeovers then come from a lease that ran out, under a node that still holds its handle.
    Arbitrary<Integer> kinds = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just(0)), net.jqwik.api.Tuple.of(4, Arbitraries.just(1)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(2)), net.jqwik.api.Tuple.of(2, Arbitraries.just(3)));
    return kinds.flatMap(kind -> Arbitraries.integers().between(0, NODES - 1).map(node -> new Step(kind, node)))
        .list().ofMinSize(1).ofMaxSize(16);
  }

  /** One node's view: its handle, the epoch it took the actor with, whether a call found it dead. */
  private static final class Handle {
    ActorKeyspace keyspace;
    long epoch;
    boolean knownDead;
  }

  @Property(tries = 30)
  void ownershipFollowsTheModel(@ForAll("programs") List<Step> program) {
    String actor = "model-" + ACTORS.incrementAndGet();
    List<ActorStore> stores = new ArrayList<>();
    try {
      for (int i = 0; i < NODES; i++) {
        stores.add(PostgresEngine.openStore(fixture.uri(), StoreOptions.defaults(), new LeaseOptions("n" + i, Duration.ofMinutes(1))));
      }
      Handle[] handles = new Handle[NODES];
      long epoch = 0;
      int owner = -1; // node whose lease is live, -1: none (never taken, released or run out)
      byte[] value = null;
      int writes = 0;
      byte[] key = "\u0004v".getBytes(StandardCharsets.UTF_8);
      for (Step s : program) {
        int n = s.node();
        Handle h = handles[n];
        switch (s.kind()) {
          case 0 -> {
            if (h != null && !h.knownDead) {
              assertSame(h.keyspace, stores.get(n).actor(actor), "the live handle again");
            } else if (owner >= 0) {
              ActorOwnedException e = expect(ActorOwnedException.class, () -> stores.get(n).actor(actor));
              assertEquals("n" + owner, e.owner());
            } else {
              Handle fresh = new Handle();
              fresh.keyspace = stores.get(n).actor(actor);
              fresh.epoch = ++epoch;
              handles[n] = fresh;
              owner = n;
            }
          }
          case 1 -> {
            if (h == null) {
              continue;
            }
            byte[] v = ("w" + ++writes).getBytes(StandardCharsets.UTF_8);
            if (h.knownDead || h.epoch != epoch) {
              expect(ActorFencedException.class, () -> h.keyspace.put(key, v));
              h.knownDead = true;
            } else {
              h.keyspace.put(key, v);
              value = v;
            }
          }
          case 2 -> {
            if (h == null) {
              continue;
            }
            h.keyspace.close();
            handles[n] = null;
            if (!h.knownDead && h.epoch == epoch && owner == n) {
              owner = -1; // released
            }
          }
          default -> {
            fixture.execute("UPDATE actorkv.actors SET lease_expires = now() - interval '1 second' WHERE actor_id = '\\x"
                + HexFormat.of().formatHex(actor.getBytes(StandardCharsets.UTF_8)) + "' AND lease_expires IS NOT NULL");
            owner = -1;
          }
        }
        List<ActorOwner> owners = stores.get(0).owners(actor);
        assertEquals(epoch, owners.isEmpty() ? 0 : owners.getFirst().epoch(), "epoch after " + s);
      }
      try (ActorStore reader = PostgresEngine.openStore(fixture.uri(), StoreOptions.defaults().withReadOnly(true))) {
        byte[] stored = reader.actor(actor).get(key);
        if (value == null) {
          assertNull(stored);
        } else {
          assertArrayEquals(value, stored, "the last write of a live owner, and no fenced one");
        }
      }
    } finally {
      stores.forEach(ActorStore::close);
    }
  }

  private static <T extends Throwable> T expect(Class<T> type, Runnable r) {
    try {
      r.run();
    } catch (Throwable t) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      fail("expected " + type.getSimpleName() + ", got " + t, t);
    }
    fail("expected " + type.getSimpleName() + ", nothing was thrown");
    return null;
  }
}
