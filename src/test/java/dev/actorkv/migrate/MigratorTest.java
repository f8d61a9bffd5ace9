package dev.actorkv.migrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.migrate.proto.MigrationMarker;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigratorTest {
  @TempDir Path dir;

  private static Migrator migrator(int batchSize) {
    return new Migrator(MigrationOptions.defaults().withBatchSize(batchSize));
  }

  @Test
  void migratesEveryLegacyNamespaceAndLeavesTheRestAlone() throws Exception {
    TreeMap<byte[], byte[]> legacy = LegacyFixture.legacyContents(1, 12);
    List<Long> committed = new ArrayList<>();
    MigrationResult result;
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      LegacyFixture.write(a, legacy);
      LegacyFixture.write(store.actor("other"), Map.of(new byte[] {0x04, 'x'}, new byte[] {1}));
      assertEquals(0, Migrations.layoutVersion(a));
      result = new Migrator(MigrationOptions.defaults().withBatchSize(7)
          .withListener((id, batch, soFar) -> committed.add(batch))).migrate(a);

      assertEquals(LegacyFixture.hex(LegacyFixture.expectedV1(legacy)), LegacyFixture.hex(LegacyFixture.read(a)));
      assertEquals(1, Migrations.layoutVersion(a));
      assertEquals(a.scanStorageBytes(), a.storageBytes());
      assertEquals(a.storageBytes(), a.recordedStorageBytes());
      assertEquals(Map.of("04" + "78", "01"), LegacyFixture.hex(LegacyFixture.read(store.actor("other"))));
    }
    long legacyKeys = LegacyFixture.legacyCount(legacy);
    long batches = (legacyKeys + 6) / 7;
    assertEquals(batches, result.batches());
    assertEquals(LongRange.closed(1, batches), committed);
    assertFalse(result.alreadyV1());
    assertFalse(result.resumed());
    assertEquals(legacyKeys, result.counts().total().legacyKeys());
    assertEquals(1, result.counts().of(Namespace.WORKFLOW).dropped());
    assertEquals(legacyKeys - 1, result.counts().total().moved());
    long queueKeys = legacy.keySet().stream().filter(k -> k[0] == 0x05 || k[0] == 0x06).count();
    assertEquals(queueKeys, result.counts().of(Namespace.QUEUE).moved());
    long legacyBytes = legacy.entrySet().stream().filter(e -> LegacyKeys.isLegacy(e.getKey()))
        .mapToLong(e -> e.getKey().length + e.getValue().length).sum();
    assertEquals(legacyBytes, result.counts().total().legacyBytes());

    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      assertEquals(1, Migrations.layoutVersion(a), "layout version survives reopen");
      MigrationMarker marker = MigrationMarker.parseFrom(Migrations.migrationMarker(a));
      assertEquals(MigrationMarker.State.COMPLETE, marker.getState());
      assertEquals(batches, marker.getBatches());
      assertEquals(queueKeys, marker.getQueue().getMoved());
      assertEquals(1, marker.getWorkflow().getDropped());
      assertNull(Migrations.migrationMarker(store.actor("other")));
    }
  }

  @Test
  void legacyInputBecomesV1InputAndVersionIsDropped() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.workflowField(WorkflowField.VERSION), new byte[] {9});
      a.put(LegacyKeys.workflowField(WorkflowField.INPUT), new byte[] {5});
      assertArrayEquals(new byte[] {0x07, 0x15, 0x03, 0x15, 0x05}, LegacyKeys.workflowField(WorkflowField.INPUT));
      Migrator.withDefaults().migrate(a);
      TreeMap<byte[], byte[]> after = LegacyFixture.read(a);
      assertEquals(Map.of("0601150315" + "04", "05"), LegacyFixture.hex(after));
      assertArrayEquals(new byte[] {5}, a.get(WorkflowKeys.field(WorkflowField.INPUT)));
    }
  }

  @Test
  void secondRunWritesNothing() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      LegacyFixture.write(store.actor("a"), LegacyFixture.legacyContents(2, 5));
      migrator(4).migrate(store.actor("a"));
    }
    Map<String, String> before = RawStore.dump(dir);
    try (ActorStore store = ActorStore.open(dir)) {
      MigrationResult again = migrator(4).migrate(store.actor("a"));
      assertTrue(again.alreadyV1());
      assertEquals(0, again.batches());
      assertEquals(MigrationCounts.ZERO, again.counts());
      assertTrue(migrator(4).migrate(store.actor("never-written")).alreadyV1());
    }
    assertEquals(before, RawStore.dump(dir));
  }

  @Test
  void conflictStopsTheActorNamingTheKeysAndWritesNothingOfThatBatch() throws Exception {
    byte[] legacyKey = LegacyKeys.queueMessage(3);
    byte[] v1Key = QueueKeys.message(3);
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.queueMessage(1), new byte[] {1});
      a.put(legacyKey, new byte[] {3});
      a.put(v1Key, new byte[] {33});
      a.put(LegacyKeys.queueMessage(7), new byte[] {7});
      a.put(QueueKeys.message(7), new byte[] {7}); // identical: not a conflict
    }
    Map<String, String> before = RawStore.dump(dir);
    try (ActorStore store = ActorStore.open(dir)) {
      MigrationConflictException e =
          assertThrows(MigrationConflictException.class, () -> Migrator.withDefaults().migrate(store.actor("a")));
      assertEquals("a", e.actorId());
      assertEquals(1, e.conflicts().size());
      assertArrayEquals(legacyKey, e.conflicts().getFirst().legacyKey());
      assertArrayEquals(v1Key, e.conflicts().getFirst().v1Key());
      assertTrue(e.getMessage().contains("050000000000000003 -> 0501020000000000000003"), e.getMessage());
      assertEquals(0, Migrations.layoutVersion(store.actor("a")));
    }
    assertEquals(before, RawStore.dump(dir), "a conflict writes nothing of its batch");
  }

  @Test
  void conflictInALaterBatchKeepsEarlierBatchesAndResumesWithAPolicy() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      for (int i = 1; i <= 5; i++) {
        a.put(LegacyKeys.queueMessage(i), new byte[] {(byte) i});
      }
      a.put(QueueKeys.message(5), new byte[] {55});
      assertThrows(MigrationConflictException.class, () -> migrator(2).migrate(a));
      assertNotNull(a.get(QueueKeys.message(1)));
      assertNull(a.get(LegacyKeys.queueMessage(1)));
      assertEquals(0, Migrations.layoutVersion(a));

      MigrationResult r = new Migrator(MigrationOptions.defaults().withBatchSize(2)
          .withConflictPolicy(ConflictPolicy.PREFER_LEGACY)).migrate(a);
      assertTrue(r.resumed());
      assertEquals(3, r.batches());
      assertEquals(4, r.counts().of(Namespace.QUEUE).moved());
      assertEquals(1, r.counts().of(Namespace.QUEUE).keptLegacy());
      assertArrayEquals(new byte[] {5}, a.get(QueueKeys.message(5)));
      assertEquals(1, Migrations.layoutVersion(a));
    }
  }

  @Test
  void preferV1KeepsTheV1ValueAndCountsTheDeletedLegacyValue() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.sqliteFileMeta(SqliteFile.MAIN), LegacyFixture.sqliteMeta(4096));
      a.put(SqliteKeys.fileMeta(SqliteFile.MAIN), LegacyFixture.sqliteMeta(8192));
      a.put(LegacyKeys.tracesChunk(10, 1), new byte[] {1, 2});
      MigrationResult r = new Migrator(MigrationOptions.defaults().withConflictPolicy(ConflictPolicy.PREFER_V1)).migrate(a);
      assertArrayEquals(LegacyFixture.sqliteMeta(8192), a.get(SqliteKeys.fileMeta(SqliteFile.MAIN)));
      assertNull(a.get(LegacyKeys.sqliteFileMeta(SqliteFile.MAIN)));
      assertEquals(1, r.counts().of(Namespace.SQLITE).keptV1());
      assertEquals(1, r.counts().of(Namespace.TRACES).moved());
      assertEquals(1, Migrations.layoutVersion(a));
    }
  }

  @Test
  void undecodableLegacyKeyStopsWithATypedErrorAndIsKept() {
    byte[] bad = new byte[9];
    bad[0] = 0x05; // queue message id 0 does not exist
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(bad, new byte[] {1});
      a.put(LegacyKeys.queueMessage(1), new byte[] {1});
      InvalidLegacyKeyException e = assertThrows(InvalidLegacyKeyException.class, () -> Migrator.withDefaults().migrate(a));
      assertArrayEquals(bad, e.key());
      assertTrue(e.getMessage().contains("050000000000000000"), e.getMessage());
      assertNotNull(a.get(bad));
      assertNotNull(a.get(LegacyKeys.queueMessage(1)));
      assertEquals(0, Migrations.layoutVersion(a));
    }
  }

  @Test
  void aFailedBatchLeavesEverythingAsBeforeAndARerunFinishesTheSame() throws Exception {
    TreeMap<byte[], byte[]> legacy = LegacyFixture.legacyContents(3, 10);
    Path reference = dir.resolve("reference");
    try (ActorStore store = ActorStore.open(reference)) {
      LegacyFixture.write(store.actor("a"), legacy);
      migrator(5).migrate(store.actor("a"));
    }
    long totalBatches = (LegacyFixture.legacyCount(legacy) + 4) / 5;
    for (long failAt = 0; failAt < totalBatches; failAt++) {
      Path d = dir.resolve("fail" + failAt);
      FailingFaults faults = new FailingFaults();
      try (ActorStore store = ActorStore.open(d, StoreOptions.defaults().withFaults(faults))) {
        ActorKeyspace a = store.actor("a");
        LegacyFixture.write(a, legacy);
        faults.failWriteAfter(failAt);
        long storageBefore = -1;
        assertThrows(FailingFaults.InjectedFault.class, () -> migrator(5).migrate(a));
        assertEquals(1, faults.injected());
        storageBefore = a.storageBytes();
        assertEquals(a.scanStorageBytes(), storageBefore, "memory count unchanged by the failed batch");
        assertEquals(0, Migrations.layoutVersion(a));
        MigrationResult r = migrator(5).migrate(a);
        assertEquals(failAt > 0, r.resumed());
        assertEquals(totalBatches, r.batches());
      }
      assertEquals(RawStore.dump(reference), RawStore.dump(d), "failing at batch " + failAt);
    }
  }

  @Test
  void legacyKeysWrittenAfterAMigrationAreMigratedByTheNextRun() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.queueMessage(1), new byte[] {1});
      Migrator.withDefaults().migrate(a);
      a.put(LegacyKeys.queueMessage(2), new byte[] {2});
      assertEquals(0, Migrations.layoutVersion(a));
      MigrationResult r = Migrator.withDefaults().migrate(a);
      assertFalse(r.resumed());
      assertEquals(1, r.batches(), "a completed marker starts a new migration");
      assertEquals(1, r.counts().total().moved());
      assertArrayEquals(new byte[] {2}, a.get(QueueKeys.message(2)));
      assertEquals(1, Migrations.layoutVersion(a));
    }
  }

  @Test
  void actorAtLayoutZeroWithoutLegacyKeysIsMarkedComplete() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      // As a store written before metadata existed records an actor that had legacy keys (layout 0).
      a.commit(a.batch().setMetadata(new byte[] {0x08, 0x00}));
      assertEquals(0, Migrations.layoutVersion(a));
      MigrationResult r = Migrator.withDefaults().migrate(a);
      assertFalse(r.alreadyV1());
      assertEquals(1, r.batches());
      assertEquals(1, Migrations.layoutVersion(a));
      assertTrue(Migrator.withDefaults().migrate(a).alreadyV1());
    }
  }

  @Test
  void dryRunListsEveryChangeAndWritesNothing() throws Exception {
    TreeMap<byte[], byte[]> legacy = LegacyFixture.legacyContents(4, 6);
    legacy.put(QueueKeys.message(2), new byte[] {42}); // conflicts with legacy message 2
    try (ActorStore store = ActorStore.open(dir)) {
      LegacyFixture.write(store.actor("a"), legacy);
    }
    Map<String, String> before = RawStore.dump(dir);
    List<LegacyChange> changes = new ArrayList<>();
    MigrationCounts planned;
    try (ActorStore store = ActorStore.open(dir)) {
      planned = migrator(3).plan(store.actor("a"), changes::add);
    }
    assertEquals(before, RawStore.dump(dir), "a dry run leaves the store byte-identical");
    assertEquals(LegacyFixture.legacyCount(legacy), changes.size());
    assertEquals(1, planned.total().conflicts());
    assertEquals(1, planned.total().dropped());
    assertEquals(changes.size() - 2, planned.total().moved());
    for (LegacyChange c : changes) {
      KeyDescription d = KeyDescriber.describe(c.legacyKey());
      assertEquals(d, c.legacy());
      if (c.action() != LegacyChange.Action.DROP) {
        assertArrayEquals(LegacyMapping.toV1(d).orElseThrow().encode(), c.v1Key());
      }
    }
    // The plan under a policy is exactly what the real run then reports.
    Migrator preferLegacy = new Migrator(MigrationOptions.defaults().withBatchSize(3).withConflictPolicy(ConflictPolicy.PREFER_LEGACY));
    try (ActorStore store = ActorStore.open(dir)) {
      MigrationCounts plan = preferLegacy.plan(store.actor("a"), c -> {});
      assertEquals(plan, preferLegacy.migrate(store.actor("a")).counts());
    }
  }

  @Test
  void openingAStoreThroughMigrationsMigratesLegacyActorsFirst() {
    TreeMap<byte[], byte[]> legacy = LegacyFixture.legacyContents(5, 4);
    try (ActorStore store = ActorStore.open(dir)) {
      LegacyFixture.write(store.actor("a"), legacy);
      LegacyFixture.write(store.actor("b"), Map.of(new byte[] {0x01}, new byte[] {1}));
    }
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withOpenHook(Migrations.REFUSE))) {
      LegacyLayoutException e = assertThrows(LegacyLayoutException.class, () -> store.actor("a"));
      assertEquals("a", e.actorId());
      assertTrue(e.getMessage().contains("keyspace migrate"), e.getMessage());
      assertEquals(1, Migrations.layoutVersion(store.actor("b")), "v1 actors open normally");
    }
    try (ActorStore store = ActorStore.open(dir)) {
      assertEquals(0, Migrations.layoutVersion(store.actor("a")), "the store's own default opens as is");
    }
    try (ActorStore store = Migrations.open(dir)) {
      ActorKeyspace a = store.actor("a");
      assertEquals(1, Migrations.layoutVersion(a));
      assertEquals(LegacyFixture.hex(LegacyFixture.expectedV1(legacy)), LegacyFixture.hex(LegacyFixture.read(a)));
      assertSame(a, store.actor("a"));
    }
  }

  @Test
  void legacyKeysWrittenThroughAnOpenHandleAreRefusedByTheNextOpen() {
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withOpenHook(Migrations.REFUSE))) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.queueMetadata(), new byte[] {1});
      assertSame(a, store.actor("a"), "the hook passed for this handle");
    }
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withOpenHook(Migrations.REFUSE))) {
      assertThrows(LegacyLayoutException.class, () -> store.actor("a"));
    }
  }

  @Test
  void migrationOnOpenThatFailsKeepsTheActorUnavailable() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.queueMessage(1), new byte[] {1});
      a.put(QueueKeys.message(1), new byte[] {2});
    }
    try (ActorStore store = Migrations.open(dir)) {
      assertThrows(MigrationConflictException.class, () -> store.actor("a"));
      assertThrows(MigrationConflictException.class, () -> store.actor("a"));
    }
    StoreOptions preferV1 = Migrations.migratingOnOpen(
        StoreOptions.defaults(), MigrationOptions.defaults().withConflictPolicy(ConflictPolicy.PREFER_V1));
    try (ActorStore store = ActorStore.open(dir, preferV1)) {
      assertArrayEquals(new byte[] {2}, store.actor("a").get(QueueKeys.message(1)));
      assertEquals(1, Migrations.layoutVersion(store.actor("a")));
    }
  }

  @Test
  void corruptMarkerIsRewritten() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace a = store.actor("a");
      a.put(LegacyKeys.queueMessage(1), new byte[] {1});
      a.commit(a.batch().setMetadata(dev.actorkv.migrate.proto.MigrationMetadata.newBuilder()
          .setMigrationMarker(com.google.protobuf.ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x00}))
          .build().toByteArray()));
      MigrationResult r = Migrator.withDefaults().migrate(a);
      assertFalse(r.resumed());
      assertEquals(MigrationMarker.State.COMPLETE, MigrationMarker.parseFrom(Migrations.migrationMarker(a)).getState());
      assertEquals(1, MigrationMarker.parseFrom(Migrations.migrationMarker(a)).getQueue().getMoved());
    }
  }

  @Test
  void storageLimitIsCheckedBeforeABatchIsWritten() throws Exception {
    Path d = dir.resolve("limited");
    long used;
    try (ActorStore store = ActorStore.open(d)) {
      ActorKeyspace a = store.actor("a");
      for (int i = 1; i <= 4; i++) {
        a.put(LegacyKeys.queueMessage(i), new byte[] {(byte) i});
      }
      used = a.storageBytes();
    }
    // v1 queue message keys are two bytes longer: the first batch (2 keys) grows storage by 4 bytes.
    Map<String, String> before = RawStore.dump(d);
    StoreOptions tight = StoreOptions.defaults().withLimits(dev.actorkv.store.Limits.DEFAULTS.withMaxStorageBytes(used + 3));
    try (ActorStore store = ActorStore.open(d, tight)) {
      var e = assertThrows(dev.actorkv.store.LimitExceededException.class, () -> migrator(2).migrate(store.actor("a")));
      assertEquals(used + 4, e.value());
      assertEquals(used, store.actor("a").storageBytes());
    }
    assertEquals(before, RawStore.dump(d));
  }

  @Test
  void optionsRejectBadBatchSizes() {
    assertThrows(IllegalArgumentException.class, () -> MigrationOptions.defaults().withBatchSize(0));
    assertThrows(IllegalArgumentException.class, () -> MigrationOptions.defaults().withBatchSize(MigrationOptions.MAX_BATCH_SIZE + 1));
    assertThrows(IllegalArgumentException.class, () -> ConflictPolicy.preferring("both"));
  }

  /** 1..n as a list, for comparing batch numbers. */
  private static final class LongRange {
    static List<Long> closed(long from, long to) {
      List<Long> out = new ArrayList<>();
      for (long i = from; i <= to; i++) {
        out.add(i);
      }
      return out;
    }
  }
}
