package dev.actorkv.testing;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One store on one engine for a test: opened as often as the test likes (a reopen sees what was
 * committed), emptied by {@link #reset()}, removed by {@link #close()}. The engine contract tests run the
 * same test body on {@link #rocksDb()} and {@link #postgres(String)}.
 */
public sealed interface StoreFixture extends AutoCloseable {
  /** "rocksdb" or "postgresql", for messages. */
  String engine();

  /** Opens the store (creating it when empty and the options allow). */
  ActorStore open(StoreOptions options);

  default ActorStore open() {
    return open(StoreOptions.defaults());
  }

  /** What a command line names this store by: a directory or a {@code postgresql://} URI. */
  String location();

  /**
   * Empties the store: the next open sees no actor and no key (on PostgreSQL the schema stays, which is
   * much cheaper than creating it again). Every store opened before must be closed.
   */
  void reset();

  /** Removes the store entirely: a directory that does not exist, a database without the schema. */
  void destroy();

  @Override
  void close();

  static StoreFixture rocksDb() {
    try {
      return new RocksDb(Files.createTempDirectory("store-fixture"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fresh database on the test JVM's PostgreSQL cluster (skips the test when there is none, outside CI). */
  static StoreFixture postgres(String hint) {
    PostgresCluster cluster = PostgresCluster.shared();
    String name = cluster.newDatabase(hint);
    return new Postgres(cluster, name);
  }

  /** A store in a temporary directory. */
  record RocksDb(Path root) implements StoreFixture {
    @Override
    public String engine() {
      return "rocksdb";
    }

    private Path dir() {
      return root.resolve("db");
    }

    @Override
    public ActorStore open(StoreOptions options) {
      return ActorStore.open(dir(), options);
    }

    @Override
    public String location() {
      return dir().toString();
    }

    @Override
    public void reset() {
      deleteTree(dir());
    }

    @Override
    public void destroy() {
      deleteTree(dir());
    }

    @Override
    public void close() {
      deleteTree(root);
    }
  }

  /** A store in its own database of the test cluster. */
  record Postgres(PostgresCluster cluster, String uri) implements StoreFixture {
    @Override
    public String engine() {
      return "postgresql";
    }

    @Override
    public ActorStore open(StoreOptions options) {
      return PostgresEngine.openStore(uri, options);
    }

    @Override
    public String location() {
      return uri;
    }

    /** Runs {@code sql} on the fixture's database. */
    public void execute(String sql) {
      String name = uri.substring(uri.lastIndexOf('/') + 1);
      try (Connection c = DriverManager.getConnection(cluster.jdbcUrl(name)); Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException(sql + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void reset() {
      execute("""
          DO $$ BEGIN
            IF to_regclass('actorkv.kv') IS NOT NULL THEN
              DELETE FROM actorkv.kv;
              DELETE FROM actorkv.actors;
            END IF;
            IF to_regclass('actorkv.alarms') IS NOT NULL THEN
              DELETE FROM actorkv.alarms;
            END IF;
          END $$""");
    }

    @Override
    public void destroy() {
      execute("DROP SCHEMA IF EXISTS actorkv CASCADE");
    }

    /**
     * Empties the database and gives it back to the cluster. A test that changed the schema itself
     * calls {@link #destroy()} first.
     */
    @Override
    public void close() {
      try {
        reset();
      } catch (RuntimeException e) {
        destroy();
      }
      cluster.recycle(uri);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
