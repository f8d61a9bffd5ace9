package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.migrate.MigrationResult;
import dev.actorkv.migrate.Migrations;
import dev.actorkv.migrate.Migrator;
import dev.actorkv.migrate.proto.MigrationMarker;
import dev.actorkv.migrate.proto.NamespaceCounts;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * A store written before the store kept opaque metadata (record format 1: the record's field 1 and the
 * {@code FF 03} value beside it, as the migration wrote them) opens with both values in the metadata,
 * the migration reads them back (legacy actors found, an unfinished migration resumed, a finished one
 * honoured), and the first record written afterwards is of format 2 and takes the {@code FF 03} value's
 * place.
 */
class Format1StoreTest {
  @TempDir Path dir;

  private static byte[] marker(MigrationMarker.State state, long batches, long moved) {
    return MigrationMarker.newBuilder().setState(state).setTargetLayoutVersion(1).setBatches(batches)
        .setQueue(NamespaceCounts.newBuilder().setMoved(moved).setLegacyBytes(moved * 10))
        .build().toByteArray();
  }

  /** Rewrites an actor's record and FF 03 value as record format 1 wrote them (the keys stay). */
  private void asFormat1(String actorId, int layoutVersion, byte[] migrationMarker) throws Exception {
    long storage;
    try (ActorStore store = ActorStore.open(dir)) {
      storage = store.actor(actorId).storageBytes();
    }
    try (Options o = new Options(); RocksDB db = RocksDB.open(o, dir.toString())) {
      db.put(PhysicalKeys.actorRecordKey(actorId), RecordCodec.encodeFormat1ActorRecord(layoutVersion, storage));
      if (migrationMarker != null) {
        db.put(PhysicalKeys.format1ExtraKey(actorId), migrationMarker);
      }
    }
  }

  private byte[] raw(byte[] physicalKey) throws Exception {
    try (Options o = new Options(); RocksDB db = RocksDB.openReadOnly(o, dir.toString())) {
      return db.get(physicalKey);
    }
  }

  @Test
  void format1RecordsAndMarkersReadAsMetadataAndMoveIntoTheRecordOnTheNextWrite() throws Exception {
    byte[] inProgress = marker(MigrationMarker.State.IN_PROGRESS, 3, 5);
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("legacy").put(LegacyKeys.queueMessage(9), new byte[] {9});
      store.actor("legacy").put(QueueKeys.message(1), new byte[] {1}); // moved by the earlier batches
      store.actor("done").put(QueueKeys.message(1), new byte[] {1});
      store.actor("plain").put(new byte[] {0x04, 1}, new byte[] {1});
    }
    asFormat1("legacy", 0, inProgress);
    asFormat1("done", 1, marker(MigrationMarker.State.COMPLETE, 2, 4));
    asFormat1("plain", 1, null);
    // A layout-0 actor whose legacy keys are gone (written, then deleted) without a migration since.
    try (ActorStore store = ActorStore.open(dir)) {
      store.actor("zero").put(new byte[] {0x04, 2}, new byte[] {2});
    }
    asFormat1("zero", 0, null);

    try (ActorStore store = ActorStore.open(dir)) {
      assertArrayEquals(RecordCodec.format1Metadata(0, inProgress), store.actor("legacy").metadata());
      assertArrayEquals(new byte[] {0x08, 0x01}, store.actor("plain").metadata());
      assertEquals(0, Migrations.layoutVersion(store.actor("legacy")));
      assertEquals(0, Migrations.layoutVersion(store.actor("zero")));
      assertEquals(1, Migrations.layoutVersion(store.actor("done")));
      assertEquals(1, Migrations.layoutVersion(store.actor("plain")));
      assertArrayEquals(inProgress, Migrations.migrationMarker(store.actor("legacy")));

      MigrationResult r = Migrator.withDefaults().migrate(store.actor("legacy"));
      assertTrue(r.resumed(), "the unfinished migration is resumed");
      assertEquals(4, r.batches());
      assertEquals(6, r.counts().total().moved(), "counts go on from the marker's");
      assertTrue(Migrator.withDefaults().migrate(store.actor("done")).alreadyV1(), "a finished migration is honoured");
      MigrationResult zero = Migrator.withDefaults().migrate(store.actor("zero"));
      assertFalse(zero.alreadyV1(), "layout 0 without legacy keys is marked complete");
      assertEquals(1, zero.batches());
    }
    assertNull(raw(PhysicalKeys.format1ExtraKey("legacy")), "the FF 03 value went with the first format-2 record");
    assertEquals(RecordCodec.CURRENT_RECORD_FORMAT,
        RecordCodec.decodeActorRecord(raw(PhysicalKeys.actorRecordKey("legacy"))).format());
    assertArrayEquals(marker(MigrationMarker.State.COMPLETE, 2, 4), raw(PhysicalKeys.format1ExtraKey("done")),
        "an actor that was not written keeps its format-1 record and value");
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace legacy = store.actor("legacy");
      assertEquals(1, Migrations.layoutVersion(legacy));
      assertEquals(MigrationMarker.State.COMPLETE, MigrationMarker.parseFrom(Migrations.migrationMarker(legacy)).getState());
      assertArrayEquals(new byte[] {9}, legacy.get(QueueKeys.message(9)));
      assertEquals(legacy.scanStorageBytes(), legacy.storageBytes());
      // A plain write of a format-1 actor: its metadata moves into the record unchanged.
      ActorKeyspace done = store.actor("done");
      byte[] before = done.metadata();
      done.put(new byte[] {0x04, 3}, new byte[] {3});
      assertArrayEquals(before, done.metadata());
    }
    assertNull(raw(PhysicalKeys.format1ExtraKey("done")));
    try (ActorStore store = ActorStore.open(dir)) {
      assertEquals(MigrationMarker.State.COMPLETE,
          MigrationMarker.parseFrom(Migrations.migrationMarker(store.actor("done"))).getState());
      assertEquals(1, Migrations.layoutVersion(store.actor("done")));
    }
  }
}
