package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
