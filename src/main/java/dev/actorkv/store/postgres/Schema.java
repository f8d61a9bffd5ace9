package dev.actorkv.store.postgres;

import dev.actorkv.store.IncompatibleStoreException;
import dev.actorkv.store.StoreException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;

/**
 * The engine's tables, in their own PostgreSQL schema {@code actorkv}, and their versions. Every change
 * of the tables ships as a new {@link Migration} appended to {@link #MIGRATIONS}; a writing open applies
 * the ones the database lacks, in order, each version recorded in {@code actorkv.schema_version} in the
 * same transaction as its statements. A database whose recorded version is newer than this library knows
 * is refused.
 *
 * <p>Version 1:
 * <ul>
 *   <li>{@code actors}: one row per actor with a record. {@code actor_id} is the id's UTF-8 bytes, a
 *       {@code bytea} because an actor id may hold NUL, which {@code text} cannot, and because
 *       {@code bytea} orders ids as the embedded engine does. {@code commit_seq} counts the actor's
 *       commits (every commit updates the row in its own transaction, which also serializes writers of
 *       one actor on the row lock); {@code storage_bytes} is the exact storage count;
 *       {@code layout_version} and {@code migration_marker} two values the layers above kept (replaced by
 *       {@code metadata} in version 2); the
 *       {@code owner_*} and {@code lease_expires} columns hold ownership and fencing (epochs are never
 *       kept in an unlogged table).
 *   <li>{@code kv}: one row per key, {@code PRIMARY KEY (actor_id, key)}; the primary key's index serves
 *       every read (point, multi-key, forward and backward ranges), so there is no other index.
 * </ul>
 *
 * <p>Version 2: {@code actors.metadata} (the actor's opaque metadata, see {@code ActorBatch.setMetadata})
 * replaces {@code layout_version} and {@code migration_marker}. Each recorded actor's metadata becomes
 * what the embedded engine reads from a record of its format 1: field 1 (varint) the old integer column,
 * field 2 (bytes) the old bytea column when not null, both as protobuf wire format; the store moves the
 * values without reading them, and the layer that wrote them finds them there.
 *
 * <p>Version 3 ({@link #alarms(int)}, issue 20): {@code alarms}, one row per alarm of an actor,
 * {@code PRIMARY KEY (actor_id, name)} ({@code name} the UTF-8 bytes of the alarm's name, {@code due}
 * milliseconds since the epoch, UTC), and one more index, {@code alarms_by_due (due, actor_id, name)}: the
 * store-wide due-time index that finds the next due alarms across all actors with one index seek. It is
 * kept by the database in the transaction of each commit, so there is nothing to rebuild.
 *
 * <p>Version 4 ({@link #hotActorRows(int)}): {@code actors} leaves half of each page free (fillfactor 50).
 * An actor's row is rewritten by every commit (commit sequence, storage count), every lease renewal and
 * every release, none of which changes its key: with room on its page the new row version is heap-only
 * (HOT), so no new entry goes into the primary key's index, and the old versions are pruned from the page
 * without a vacuum. Pages filled before the upgrade keep their rows until those move.
 */
final class Schema {
  /** One schema change: its statements run in one transaction with the version's record. */
  record Migration(int version, List<String> statements) {}

  static final List<Migration> MIGRATIONS = List.of(
      new Migration(1, List.of(
          """
          CREATE TABLE actorkv.actors (
            actor_id bytea PRIMARY KEY,
            commit_seq bigint NOT NULL,
            storage_bytes bigint NOT NULL,
            layout_version integer NOT NULL,
            migration_marker bytea,
            owner_node text,
            owner_epoch bigint NOT NULL DEFAULT 0,
            lease_expires timestamptz
          )""",
          """
          CREATE TABLE actorkv.kv (
            actor_id bytea NOT NULL,
            key bytea NOT NULL,
            value bytea NOT NULL,
            PRIMARY KEY (actor_id, key)
          )""")),
      new Migration(2, List.of(
          "ALTER TABLE actorkv.actors ADD COLUMN metadata bytea",
          "UPDATE actorkv.actors SET metadata = '\\x08'::bytea || " + varint("layout_version")
              + " || CASE WHEN migration_marker IS NULL THEN ''::bytea ELSE '\\x12'::bytea || "
              + varint("length(migration_marker)") + " || migration_marker END WHERE commit_seq > 0",
          "ALTER TABLE actorkv.actors DROP COLUMN layout_version, DROP COLUMN migration_marker")),
      alarms(3),
      hotActorRows(4));

  /**
   * SQL for the protobuf varint of the non-negative integer expression {@code n} (up to 2^28 - 1: the
   * values moved by version 2 are a small number and a length bounded far below that).
   */
  static String varint(String n) {
    String b0 = "((" + n + ") & 127)";
    String b1 = "(((" + n + ") >> 7) & 127)";
    String b2 = "(((" + n + ") >> 14) & 127)";
    String b3 = "((" + n + ") >> 21)";
    return "(CASE WHEN (" + n + ") < 128 THEN set_byte('\\x00'::bytea, 0, " + b0 + ")"
        + " WHEN (" + n + ") < 16384 THEN set_byte(set_byte('\\x0000'::bytea, 0, " + b0 + " | 128), 1, " + b1 + ")"
        + " WHEN (" + n + ") < 2097152 THEN set_byte(set_byte(set_byte('\\x000000'::bytea, 0, " + b0 + " | 128), 1, "
        + b1 + " | 128), 2, " + b2 + ")"
        + " ELSE set_byte(set_byte(set_byte(set_byte('\\x00000000'::bytea, 0, " + b0 + " | 128), 1, " + b1
        + " | 128), 2, " + b2 + " | 128), 3, " + b3 + ") END)";
  }

  /**
   * The alarms table and its due-time index (issue 20), as one self-contained step: it only adds, so a
   * database at the version before gains it without touching any other table.
   */
  static Migration alarms(int version) {
    return new Migration(version, List.of(
        """
        CREATE TABLE actorkv.alarms (
          actor_id bytea NOT NULL,
          name bytea NOT NULL,
          due bigint NOT NULL,
          payload bytea NOT NULL,
          PRIMARY KEY (actor_id, name)
        )""",
        "CREATE INDEX alarms_by_due ON actorkv.alarms (due, actor_id, name)"));
  }

  /** Half of each page of {@code actors} left free for the new versions of its rows (see version 4). */
  static Migration hotActorRows(int version) {
    return new Migration(version, List.of("ALTER TABLE actorkv.actors SET (fillfactor = 50)"));
  }

  private Schema() {}

  static int latest(List<Migration> migrations) {
    return migrations.isEmpty() ? 0 : migrations.getLast().version();
  }

  /**
   * Checks (and, when {@code create}, creates or upgrades) the schema of the database behind
   * {@code dataSource}.
   *
   * @throws IncompatibleStoreException when the database has no store and {@code create} is false, or an
   *     older schema and {@code create} is false, or a newer schema than {@code migrations} know
   */
  static void prepare(DataSource dataSource, boolean create, String location, List<Migration> migrations) {
    int latest = latest(migrations);
    try (Connection c = dataSource.getConnection()) {
      int version = version(c);
      if (version > latest) {
        throw new IncompatibleStoreException("PostgreSQL store at " + location + " has schema version " + version
            + ", newer than this library's " + latest + "; upgrade actor-kv to open it");
      }
      if (version == latest) {
        return;
      }
      if (!create) {
        throw new IncompatibleStoreException(version == 0
            ? "no store at " + location
            : "PostgreSQL store at " + location + " has schema version " + version + ", older than this library's "
                + latest + "; a command that writes upgrades it");
      }
      try {
        upgrade(c, latest, location, migrations);
      } catch (SQLException e) {
        // Another process created the schema at the same moment: its transaction won; check again.
        if (!isDuplicate(e)) {
          throw e;
        }
        c.rollback();
        c.setAutoCommit(true);
        if (version(c) < latest) {
          upgrade(c, latest, location, migrations);
        }
      }
    } catch (SQLException e) {
      throw new StoreException("cannot prepare the PostgreSQL store at " + location + ": " + e.getMessage(), e);
    }
  }

  private static void upgrade(Connection c, int latest, String location, List<Migration> migrations) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS actorkv");
      s.execute("CREATE TABLE IF NOT EXISTS actorkv.schema_version ("
          + "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())");
      // Serializes upgraders: the second one waits here, then finds the work done.
      s.execute("LOCK TABLE actorkv.schema_version IN EXCLUSIVE MODE");
      int version = readVersion(s);
      if (version > latest) {
        throw new IncompatibleStoreException("PostgreSQL store at " + location + " has schema version " + version
            + ", newer than this library's " + latest + "; upgrade actor-kv to open it");
      }
      for (Migration m : migrations) {
        if (m.version() > version) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
          s.execute("INSERT INTO actorkv.schema_version (version) VALUES (" + m.version() + ")");
        }
      }
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  /** The recorded schema version, 0 when the database has none. */
  static int version(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT to_regclass('actorkv.schema_version') IS NOT NULL")) {
        rs.next();
        if (!rs.getBoolean(1)) {
          return 0;
        }
      }
      return readVersion(s);
    }
  }

  private static int readVersion(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT coalesce(max(version), 0) FROM actorkv.schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static boolean isDuplicate(SQLException e) {
    String state = e.getSQLState();
    return "23505".equals(state) || "42P06".equals(state) || "42P07".equals(state);
  }
}
