package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.keyspace.KeyRange;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import dev.actorkv.testing.StoreFixture;
import org.junit.jupiter.api.Test;

/**
 * A commit takes the old length of a key the previous commit wrote from memory instead of the store.
 * On a key set of four keys, so that nearly every commit rewrites keys of the one before (alone, twice
 * in one batch, after a range delete in the same batch, past the remembered window, after deleteAll),
 * the storage count must always equal a scan of the actor and the record on disk.
 */
class KnownLengthsProperties {
  StoreFixture fixture;

  /** The engine under test; {@link PostgresKnownLengthsProperties} runs the same on PostgreSQL. */
  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeProperty
  void openFixture() {
    fixture = newFixture();
  }

  @AfterProperty
  void closeFixture() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @org.junit.jupiter.api.BeforeEach
  void openFixtureForExample() {
    openFixture();
  }

  @org.junit.jupiter.api.AfterEach
  void closeFixtureForExample() {
    closeFixture();
  }
  sealed interface Step permits Commit, DeleteAll {}

  record Commit(List<ActorBatch.Op> ops) implements Step {}

  record DeleteAll() implements Step {}

  @Property(tries = 100)
  void storageCountStaysExact(@ForAll("programs") List<Step> program) throws IOException {
    fixture.reset();
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("x");
      for (Step step : program) {
        switch (step) {
          case Commit c -> {
            ActorBatch batch = actor.batch();
            for (ActorBatch.Op op : c.ops()) {
              ActorStoreModelProperties.add(batch, op);
            }
            actor.commit(batch);
          }
          case DeleteAll d -> actor.deleteAll();
        }
        assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "after " + step);
        assertEquals(actor.storageBytes(), Math.max(0, actor.recordedStorageBytes()), "record after " + step);
      }
    }
  }

  /** The cases the property reaches by chance, written out. */
  @Test
  void rewritesAfterDeleteAllRangeDeleteAndDuplicates() throws IOException {
    fixture.reset();
    try (ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("x");
      byte[] k = {1};
      byte[] j = {2};
      actor.put(k, new byte[10]);
      actor.deleteAll();
      actor.put(k, new byte[5]);
      assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "rewrite after deleteAll");

      actor.commit(actor.batch().put(k, new byte[10]).deleteRange(KeyRange.of(k, j)).put(j, new byte[1]));
      actor.put(k, new byte[3]);
      assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "rewrite of a key a range delete removed");

      actor.commit(actor.batch().put(k, new byte[10]).put(k, new byte[20]));
      actor.put(k, new byte[7]);
      assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "rewrite of a key put twice");

      ActorBatch wide = actor.batch();
      for (int i = 0; i < 12; i++) {
        wide.put(new byte[] {3, (byte) i}, new byte[i]);
      }
      actor.commit(wide);
      ActorBatch again = actor.batch();
      for (int i = 0; i < 12; i++) {
        again.put(new byte[] {3, (byte) i}, new byte[20 - i]);
      }
      actor.commit(again);
      assertEquals(actor.scanStorageBytes(), actor.storageBytes(), "rewrite of a batch wider than the window");
    }
  }

  private static Arbitrary<byte[]> keys() {
    return Arbitraries.integers().between(1, 4).map(i -> new byte[] {i.byteValue()});
  }

  private static Arbitrary<ActorBatch.Op> ops() {
    Arbitrary<KeyRange> ranges = Combinators.combine(Arbitraries.integers().between(1, 4), Arbitraries.integers().between(1, 3))
        .as((from, width) -> KeyRange.of(new byte[] {(byte) from.intValue()}, new byte[] {(byte) (from.intValue() + width.intValue())}));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Combinators.combine(keys(), Arbitraries.bytes().array(byte[].class).ofMaxSize(12))
            .as(ActorBatch.Put::new)),
        net.jqwik.api.Tuple.of(2, keys().map(ActorBatch.Delete::new)),
        net.jqwik.api.Tuple.of(1, ranges.map(ActorBatch.DeleteRange::new)));
  }

  @Provide
  Arbitrary<List<Step>> programs() {
    Arbitrary<Step> commit = ops().list().ofMinSize(1).ofMaxSize(12).map(Commit::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, commit),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new DeleteAll()))).list().ofMinSize(1).ofMaxSize(30);
  }
}
