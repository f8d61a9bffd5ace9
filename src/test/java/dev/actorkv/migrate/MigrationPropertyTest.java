package dev.actorkv.migrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.LegacyArbitraries;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Random legacy keyspaces, with v1 keys that may already hold the same logical keys, migrate to exactly
 * the keyspace the mapping and the conflict policy say, whatever the batch size and wherever a write
 * fails before the run is repeated. Model: a sorted map.
 */
class MigrationPropertyTest {
  private Path dir;
  private ActorStore store;
  private final FailingFaults faults = new FailingFaults();
  private final AtomicInteger actors = new AtomicInteger();

  @BeforeProperty
  void open() throws Exception {
    dir = Files.createTempDirectory("migrate-prop");
    store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults));
  }

  @AfterProperty
  void close() throws Exception {
    store.close();
    MoreFiles.deleteRecursively(dir, RecursiveDeleteOption.ALLOW_INSECURE);
  }

  /** One legacy key with its value, and what the v1 key holds before the migration. */
  record Entry(KeyDescription legacy, byte[] value, V1State v1) {}

  enum V1State { ABSENT, IDENTICAL, DIFFERENT }

  @Provide
  Arbitrary<List<Entry>> keyspaces() {
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(40);
    Arbitrary<V1State> states = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.just(V1State.ABSENT)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(V1State.IDENTICAL)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(V1State.DIFFERENT)));
    return Combinators.combine(LegacyArbitraries.legacyKeys(), values, states).as(Entry::new).list().ofMaxSize(80)
        .uniqueElements(e -> Arrays.toString(e.legacy().encode()));
  }

  @Property(tries = 60)
  void migratesToExactlyTheMappedKeyspace(
      @ForAll("keyspaces") List<Entry> entries,
      @ForAll @IntRange(min = 1, max = 30) int batchSize,
      @ForAll ConflictPolicy policy,
      @ForAll @IntRange(min = -1, max = 6) int failWriteAt) {
    ActorKeyspace actor = store.actor("actor-" + actors.incrementAndGet());
    TreeMap<byte[], byte[]> before = LegacyFixture.newMap();
    before.put(new byte[] {0x04, 'u'}, new byte[] {1}); // unversioned keys stay as they are
    boolean conflicts = false;
    for (Entry e : entries) {
      before.put(e.legacy().encode(), e.value());
      var v1 = LegacyMapping.toV1(e.legacy());
      if (v1.isPresent() && e.v1() != V1State.ABSENT) {
        byte[] v1Value = e.v1() == V1State.IDENTICAL ? e.value() : differentFrom(e.value());
        before.put(v1.get().encode(), v1Value);
        conflicts |= e.v1() == V1State.DIFFERENT;
      }
    }
    ActorBatch initial = actor.batch();
    before.forEach(initial::put);
    actor.commit(initial);

    Migrator migrator = new Migrator(MigrationOptions.defaults().withBatchSize(batchSize).withConflictPolicy(policy));
    if (failWriteAt >= 0) {
      faults.failWriteAfter(failWriteAt);
      try {
        migrator.migrate(actor);
      } catch (FailingFaults.InjectedFault | MigrationConflictException expected) {
        // a failed batch is retried below
      } finally {
        faults.disarm();
      }
      assertEquals(actor.scanStorageBytes(), actor.storageBytes());
    }
    if (conflicts && policy == ConflictPolicy.FAIL) {
      MigrationConflictException e = assertThrows(MigrationConflictException.class, () -> migrator.migrate(actor));
      for (LegacyChange c : e.conflicts()) {
        assertNotNull(actor.get(c.legacyKey()), "a conflicting legacy value is never dropped");
        assertNotNull(actor.get(c.v1Key()));
      }
      assertEquals(0, Migrations.layoutVersion(actor));
      return;
    }
    migrator.migrate(actor);

    TreeMap<byte[], byte[]> expected = LegacyFixture.newMap();
    for (Map.Entry<byte[], byte[]> kv : before.entrySet()) {
      if (!LegacyKeys.isLegacy(kv.getKey())) {
        expected.put(kv.getKey(), kv.getValue());
      }
    }
    for (Entry e : entries) {
      LegacyMapping.toV1(e.legacy()).ifPresent(v1 -> {
        if (e.v1() != V1State.DIFFERENT || policy == ConflictPolicy.PREFER_LEGACY) {
          expected.put(v1.encode(), e.value());
        }
      });
    }
    assertEquals(LegacyFixture.hex(expected), LegacyFixture.hex(LegacyFixture.read(actor)));
    assertEquals(1, Migrations.layoutVersion(actor));
    assertEquals(actor.scanStorageBytes(), actor.storageBytes());
    assertEquals(actor.storageBytes(), actor.recordedStorageBytes());
    assertEquals(true, migrator.migrate(actor).alreadyV1());
  }

  private static byte[] differentFrom(byte[] v) {
    byte[] out = Arrays.copyOf(v, v.length + 1);
    out[v.length] = 0x7f;
    return out;
  }

  @Property(tries = 20)
  void dryRunPredictsTheRealRun(@ForAll("keyspaces") List<Entry> entries, @ForAll @IntRange(min = 1, max = 10) int batchSize) {
    ActorKeyspace actor = store.actor("dry-" + actors.incrementAndGet());
    ActorBatch b = actor.batch();
    for (Entry e : entries) {
      b.put(e.legacy().encode(), e.value());
    }
    actor.commit(b);
    Migrator m = new Migrator(MigrationOptions.defaults().withBatchSize(batchSize).withConflictPolicy(ConflictPolicy.PREFER_V1));
    List<LegacyChange> planned = new ArrayList<>();
    MigrationCounts plan = m.plan(actor, planned::add);
    assertEquals(entries.size(), planned.size());
    MigrationResult r = m.migrate(actor);
    assertEquals(plan, r.counts());
    for (LegacyChange c : planned) {
      if (c.v1Key() != null) {
        assertArrayEquals(LegacyMapping.toV1(c.legacy()).orElseThrow().encode(), c.v1Key());
      }
    }
  }
}
