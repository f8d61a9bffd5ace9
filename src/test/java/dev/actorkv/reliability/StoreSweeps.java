package dev.actorkv.reliability;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Limits;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Fault sweeps of the store-level operations of one actor (state, connections, user KV). */
final class StoreSweeps {
  private static final String ACTOR = "sweep-actor";

  private final Path root;
  private final AtomicInteger dirs = new AtomicInteger();

  StoreSweeps(Path root) {
    this.root = root;
  }

  /** Sweeps every fixed store operation plus {@code randomBatches} random multi-key batches. */
  List<FaultSweep.Outcome> runAll(long seed, int randomBatches) throws Exception {
    List<FaultSweep.Outcome> out = new ArrayList<>();
    sweepAllPoints(out, "put persisted state", a -> a.put(ActorKeys.persistedData(), bytes(100, 1)));
    sweepAllPoints(out, "connections batch", a -> {
      ActorBatch b = a.batch();
      for (int i = 0; i < 5; i++) {
        b.put(ActorKeys.connection("conn-" + i), bytes(50 + i, i));
      }
      b.put(ActorKeys.persistedData(), bytes(10, 9));
      a.commit(b);
    });
    sweepAllPoints(out, "delete and range delete batch", a -> a.commit(a.batch()
        .delete(ActorKeys.userKv(new byte[] {3}))
        .deleteRange(ActorKeys.connections())
        .put(ActorKeys.userKv(new byte[] {3}), bytes(7, 7))));
    sweepAllPoints(out, "delete actor", ActorKeyspace::deleteAll);
    sweepAllPoints(out, "value over the limit", a -> a.put(ActorKeys.userKv(new byte[] {1}), bytes(5000, 1)));
    sweepAllPoints(out, "sync", (store, a) -> store.sync());
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < randomBatches; i++) {
      long batchSeed = random.nextLong();
      sweepAllPoints(out, "random batch " + batchSeed, a -> a.commit(randomBatch(a, new SplittableRandom(batchSeed))));
    }
    return out;
  }

  private void sweepAllPoints(List<FaultSweep.Outcome> out, String name, ThrowingConsumer op) throws Exception {
    sweepAllPoints(out, name, (store, a) -> op.accept(a));
  }

  private void sweepAllPoints(List<FaultSweep.Outcome> out, String name, StoreOp op) throws Exception {
    for (FaultSweep.Point p : FaultSweep.Point.values()) {
      out.add(FaultSweep.sweep(name, p, () -> fixture(op)));
    }
  }

  /** A store whose actor already holds state, connections and user KV entries. */
  private FaultSweep.Fixture fixture(StoreOp op) {
    FailingFaults faults = new FailingFaults();
    ActorStore store = ActorStore.open(root.resolve("sweep-" + dirs.incrementAndGet()),
        StoreOptions.defaults().withFaults(faults).withLimits(Limits.DEFAULTS.withMaxValueBytes(4096)));
    ActorKeyspace actor = store.actor(ACTOR);
    ActorBatch setup = actor.batch().put(ActorKeys.persistedData(), bytes(20, 0)).put(ActorKeys.inspectorToken(), bytes(8, 1));
    for (int i = 0; i < 8; i++) {
      setup.put(ActorKeys.connection("conn-" + i), bytes(30, i)).put(ActorKeys.userKv(new byte[] {(byte) i}), bytes(40, i));
    }
    actor.commit(setup);
    return new FaultSweep.Fixture() {
      public FailingFaults faults() {
        return faults;
      }

      public void run() throws Exception {
        op.accept(store, actor);
      }

      public Object memory() {
        return List.of(actor.storageBytes(), java.util.Arrays.toString(actor.metadata()));
      }

      public Object disk() {
        return DiskImage.of(store, ACTOR);
      }

      public void close() {
        store.close();
      }
    };
  }

  /** A batch of random puts, deletes and range deletes over state, connections and user KV. */
  static ActorBatch randomBatch(ActorKeyspace a, SplittableRandom r) {
    ActorBatch b = a.batch();
    int n = 1 + r.nextInt(12);
    for (int i = 0; i < n; i++) {
      byte[] key = switch (r.nextInt(3)) {
        case 0 -> ActorKeys.persistedData();
        case 1 -> ActorKeys.connection("conn-" + r.nextInt(10));
        default -> ActorKeys.userKv(new byte[] {(byte) r.nextInt(12)});
      };
      switch (r.nextInt(5)) {
        case 0 -> b.delete(key);
        case 1 -> {
          int from = r.nextInt(12);
          b.deleteRange(new KeyRange(ActorKeys.userKv(new byte[] {(byte) from}), ActorKeys.userKv(new byte[] {(byte) (from + r.nextInt(4))})));
        }
        default -> b.put(key, bytes(r.nextInt(200), r.nextInt()));
      }
    }
    return b;
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  /** An operation that needs the whole store (sync), not only the actor. */
  @FunctionalInterface
  interface StoreOp {
    void accept(ActorStore store, ActorKeyspace a) throws Exception;
  }

  @FunctionalInterface
  interface ThrowingConsumer {
    void accept(ActorKeyspace actor) throws Exception;
  }
}
