package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.migrate.MigrationResult;
import dev.actorkv.migrate.Migrations;
import dev.actorkv.migrate.Migrator;
import dev.actorkv.migrate.proto.MigrationMarker;
import dev.actorkv.migrate.proto.NamespaceCounts;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.IncompatibleStoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.StoreFixture;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** The engine's schema: created by a writing open, versioned, upgraded by migrations, a newer one refused. */
class PostgresSchemaTest {
  private StoreFixture.Postgres fixture;
  private PGSimpleDataSource dataSource;

  @BeforeEach
  void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("schema");
    fixture.destroy();
    String uri = fixture.uri();
    dataSource = new PGSimpleDataSource();
    dataSource.setUrl(fixture.cluster().jdbcUrl(uri.substring(uri.lastIndexOf('/') + 1)));
  }

  @AfterEach
  void close() {
    fixture.destroy(); // these tests change the schema's version and tables
    fixture.close();
  }

  private int version() throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      return Schema.version(c);
    }
  }

  @Test
  void theMigrationsListIsNumberedFromOneWithoutGaps() {
    for (int i = 0; i < Schema.MIGRATIONS.size(); i++) {
      assertEquals(i + 1, Schema.MIGRATIONS.get(i).version());
    }
  }

  /**
   * Version 4: rows of {@code actors} are rewritten on their own page (heap-only, no new index entry) by
   * the updates every commit and lease make, also when the table was filled by many actors: with pages
   * filled to the brim the new versions would go to other pages.
   */
  @Test
  void anActorsRowIsRewrittenOnItsOwnPage() throws SQLException {
    Schema.prepare(dataSource, true, "test", Schema.MIGRATIONS);
    fixture.execute("INSERT INTO actorkv.actors (actor_id, commit_seq, storage_bytes, owner_node, owner_epoch, lease_expires)"
        + " SELECT convert_to('actor-' || i, 'UTF8'), 1, 10, 'node-a', 1, now() FROM generate_series(1, 2000) AS i");
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      // What a commit does to the row (a lease renewal or release changes lease_expires the same way).
      s.executeUpdate("UPDATE actorkv.actors SET commit_seq = commit_seq + 1, storage_bytes = storage_bytes + 7");
      try (ResultSet rs = s.executeQuery("SELECT pg_stat_get_xact_tuples_updated('actorkv.actors'::regclass),"
          + " pg_stat_get_xact_tuples_hot_updated('actorkv.actors'::regclass)")) {
        rs.next();
        assertEquals(2000, rs.getLong(1));
        assertTrue(rs.getLong(2) >= 1900, "heap-only updates: " + rs.getLong(2) + " of 2000");
      }
      c.rollback();
    }
  }

  @Test
  void aWritingOpenCreatesTheSchemaAndRecordsItsVersion() throws SQLException {
    assertEquals(0, version());
    try (ActorStore store = ActorStore.open(PostgresEngine.open(dataSource, "test", StoreOptions.defaults()), StoreOptions.defaults())) {
      store.actor("a").put(new byte[] {4, 1}, new byte[] {1});
    }
    assertEquals(Schema.latest(Schema.MIGRATIONS), version());
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_indexes WHERE schemaname = 'actorkv' AND tablename = 'kv'")) {
      rs.next();
      assertEquals(1, rs.getInt(1), "the primary key is the only index of kv");
    }
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE n.nspname = 'actorkv' AND c.relkind = 'r' AND c.relpersistence <> 'p'")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "every table is logged");
    }
  }

  @Test
  void aNewerSchemaIsRefusedWithAClearError() {
    fixture.open().close();
    fixture.execute("INSERT INTO actorkv.schema_version (version) VALUES (99)");
    IncompatibleStoreException e = assertThrows(IncompatibleStoreException.class, fixture::open);
    assertTrue(e.getMessage().contains("schema version 99"), e.getMessage());
    assertTrue(e.getMessage().contains("upgrade actor-kv"), e.getMessage());
    assertThrows(IncompatibleStoreException.class, () -> fixture.open(StoreOptions.defaults().withCreateIfMissing(false)));
  }

  @Test
  void laterMigrationsApplyInOrderOnAWritingOpenOnly() throws SQLException {
    Schema.prepare(dataSource, true, "test", Schema.MIGRATIONS);
    int current = Schema.latest(Schema.MIGRATIONS);
    List<Schema.Migration> next = new ArrayList<>(Schema.MIGRATIONS);
    next.add(new Schema.Migration(current + 1, List.of("ALTER TABLE actorkv.actors ADD COLUMN test_a integer")));
    next.add(new Schema.Migration(current + 2, List.of("ALTER TABLE actorkv.actors ADD COLUMN test_b integer",
        "UPDATE actorkv.actors SET test_b = 1")));
    IncompatibleStoreException older = assertThrows(IncompatibleStoreException.class,
        () -> Schema.prepare(dataSource, false, "test", next));
    assertTrue(older.getMessage().contains("older"), older.getMessage());
    assertEquals(current, version(), "a read-only open changed nothing");
    Schema.prepare(dataSource, true, "test", next);
    assertEquals(current + 2, version());
    fixture.execute("SELECT test_a, test_b FROM actorkv.actors");
    // A failing migration leaves the version (and the tables) as they were.
    List<Schema.Migration> broken = new ArrayList<>(next);
    broken.add(new Schema.Migration(current + 3, List.of("ALTER TABLE actorkv.actors ADD COLUMN test_c integer",
        "SELECT no_such_function()")));
    assertThrows(RuntimeException.class, () -> Schema.prepare(dataSource, true, "test", broken));
    assertEquals(current + 2, version());
    // The library's own list sees the upgraded database as newer.
    assertThrows(IncompatibleStoreException.class, () -> Schema.prepare(dataSource, true, "test", Schema.MIGRATIONS));
  }

  @Test
  void aDatabaseAtVersionOneIsMigratedToAlarmsByAWritingOpenAndKeepsItsData() throws SQLException {
    // What the code before alarms created and wrote: schema version 1, an actor with a key.
    Schema.prepare(dataSource, true, "test", Schema.MIGRATIONS.subList(0, 1));
    assertEquals(1, version());
    fixture.execute("INSERT INTO actorkv.actors (actor_id, commit_seq, storage_bytes, layout_version) VALUES ('\\x61', 1, 3, 1)");
    fixture.execute("INSERT INTO actorkv.kv (actor_id, key, value) VALUES ('\\x61', '\\x0401', '\\x01')");
    assertThrows(IncompatibleStoreException.class, () -> fixture.open(StoreOptions.defaults().withCreateIfMissing(false)),
        "a read-only open does not migrate");
    try (ActorStore store = fixture.open()) {
      assertEquals(Schema.latest(Schema.MIGRATIONS), version());
      dev.actorkv.store.ActorKeyspace a = store.actor("a");
      org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1}, a.get(new byte[] {4, 1}));
      java.time.Instant due = java.time.Instant.parse("2026-01-01T00:00:00Z");
      a.commit(a.batch().setAlarm("wake", due, new byte[] {2}));
      assertEquals(List.of(new dev.actorkv.store.DueAlarm("a", "wake", due)), store.pendingAlarms(null, 10));
      assertEquals(3, a.storageBytes());
    }
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT indexdef FROM pg_indexes WHERE schemaname = 'actorkv' AND tablename = 'alarms'"
            + " AND indexname = 'alarms_by_due'")) {
      assertTrue(rs.next(), "the due-time index exists");
      assertTrue(rs.getString(1).contains("(due, actor_id, name)"), rs.getString(1));
    }
  }

  /**
   * Version 2 on a database built at version 1 exactly as the version-1 engine wrote it: every recorded
   * actor's layout_version and migration_marker end up in its metadata as a store of record format 1
   * reads them on RocksDB, and the migration finds them there (an unfinished migration resumes, a
   * finished one is honoured, legacy keys are still found).
   */
  @Test
  void version2MovesLayoutVersionAndMarkerIntoTheMetadata() throws Exception {
    Schema.prepare(dataSource, true, "test", Schema.MIGRATIONS.subList(0, 1));
    assertEquals(1, version());
    MigrationMarker.Builder marker = MigrationMarker.newBuilder().setTargetLayoutVersion(1).setBatches(3)
        .setQueue(NamespaceCounts.newBuilder().setMoved(5).setLegacyBytes(50));
    byte[] inProgress = marker.setState(MigrationMarker.State.IN_PROGRESS).build().toByteArray();
    byte[] complete = marker.setState(MigrationMarker.State.COMPLETE).build().toByteArray();
    byte[] long200 = new byte[200];
    byte[] long20000 = new byte[20_000];
    java.util.Arrays.fill(long200, (byte) 0x61);
    java.util.Arrays.fill(long20000, (byte) 0x62);
    try (Connection c = dataSource.getConnection()) {
      // The rows and keys as the version-1 engine's acquire and commit statements left them.
      String row = "INSERT INTO actorkv.actors (actor_id, commit_seq, storage_bytes, layout_version, migration_marker,"
          + " owner_node, owner_epoch, lease_expires) VALUES (?, ?, ?, ?, ?, 'old-node', 1, NULL)";
      Object[][] rows = {
          {"legacy", 4L, 0, inProgress}, {"done", 2L, 1, complete}, {"plain", 1L, 1, null}, {"zero", 1L, 0, null},
          {"owned-only", 0L, 1, null}, {"long", 1L, 1, long200}, {"longer", 1L, 1, long20000}};
      try (java.sql.PreparedStatement ps = c.prepareStatement(row)) {
        for (Object[] r : rows) {
          ps.setBytes(1, ((String) r[0]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
          ps.setLong(2, (Long) r[1]);
          ps.setLong(3, "legacy".equals(r[0]) ? 9 + 1 + 11 + 1 : 0);
          ps.setInt(4, (Integer) r[2]);
          ps.setBytes(5, (byte[]) r[3]);
          ps.executeUpdate();
        }
      }
      try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO actorkv.kv (actor_id, key, value) VALUES (?, ?, ?)")) {
        for (byte[][] kv : new byte[][][] {{LegacyKeys.queueMessage(9), {9}}, {QueueKeys.message(1), {1}}}) {
          ps.setBytes(1, "legacy".getBytes(java.nio.charset.StandardCharsets.UTF_8));
          ps.setBytes(2, kv[0]);
          ps.setBytes(3, kv[1]);
          ps.executeUpdate();
        }
      }
    }
    try (ActorStore store = fixture.open()) {
      assertEquals(Schema.latest(Schema.MIGRATIONS), version());
      assertArrayEquals(format1Metadata(0, inProgress), store.actor("legacy").metadata());
      assertArrayEquals(format1Metadata(1, complete), store.actor("done").metadata());
      assertArrayEquals(new byte[] {0x08, 0x01}, store.actor("plain").metadata());
      assertArrayEquals(new byte[] {0x08, 0x00}, store.actor("zero").metadata());
      assertArrayEquals(format1Metadata(1, long200), store.actor("long").metadata());
      assertArrayEquals(format1Metadata(1, long20000), store.actor("longer").metadata());
      assertNull(store.actor("owned-only").metadata());

      assertEquals(0, Migrations.layoutVersion(store.actor("legacy")));
      assertEquals(0, Migrations.layoutVersion(store.actor("zero")));
      assertEquals(1, Migrations.layoutVersion(store.actor("done")));
      MigrationResult r = Migrator.withDefaults().migrate(store.actor("legacy"));
      assertTrue(r.resumed());
      assertEquals(4, r.batches());
      assertEquals(6, r.counts().total().moved());
      assertTrue(Migrator.withDefaults().migrate(store.actor("done")).alreadyV1());
      assertEquals(1, Migrator.withDefaults().migrate(store.actor("zero")).batches());
    }
    try (ActorStore store = fixture.open()) {
      ActorKeyspace legacy = store.actor("legacy");
      assertEquals(1, Migrations.layoutVersion(legacy));
      assertArrayEquals(new byte[] {9}, legacy.get(QueueKeys.message(9)));
      assertEquals(legacy.scanStorageBytes(), legacy.storageBytes());
    }
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'actorkv'"
            + " AND table_name = 'actors' AND column_name IN ('layout_version', 'migration_marker')")) {
      rs.next();
      assertEquals(0, rs.getInt(1), "the old columns are gone");
    }
  }

  /** Field 1 (varint) then, when not null, field 2 (bytes), as protobuf writes them. */
  private static byte[] format1Metadata(int number, byte[] extra) throws java.io.IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    com.google.protobuf.CodedOutputStream o = com.google.protobuf.CodedOutputStream.newInstance(out);
    o.writeUInt32(1, number);
    if (extra != null) {
      o.writeByteArray(2, extra);
    }
    o.flush();
    return out.toByteArray();
  }
}
