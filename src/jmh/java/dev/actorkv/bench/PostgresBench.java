package dev.actorkv.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValueIterator;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.testing.PostgresCluster;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The PostgreSQL engine against the same SQL issued through raw pgjdbc on a HikariCP pool of the same
 * server of the same run: a point get, a one-put commit, a 100-key forward scan, a 100-key multi-get and
 * a 100-put commit (one statement that also reads the old sizes of the keys; the raw peer sends the same
 * statement, and {@code rawCommit100TwoStatements} the engine's previous two: lengths, then commit). The
 * server is the tests' throwaway cluster (initdb into a temporary directory, loopback).
 *
 * <p>The cluster runs with {@code synchronous_commit=off} for the tests' sake; the bench's database is set
 * back to {@code on} (every commit waits for its WAL flush, the durability the store promises) unless
 * {@code -p synchronousCommit=off} asks for the other figure.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class PostgresBench {
  static final int KEYS = 10_000;
  static final int BATCH = 100;
  static final int SCAN = 100;

  /** The bench database's {@code synchronous_commit}: on is the store's contract, off a labelled extra. */
  @Param({"on"})
  String synchronousCommit;

  ActorStore store;
  ActorKeyspace actor;
  HikariDataSource raw;
  byte[] rawId;
  long rawSeq;
  int next;

  static byte[] key(int i) {
    return String.format("\u0004k%06d", i).getBytes(StandardCharsets.UTF_8);
  }

  @Setup(Level.Trial)
  public void setUp() throws SQLException {
    PostgresCluster cluster = PostgresCluster.shared();
    String uri = cluster.newDatabase("bench");
    String database = uri.substring(uri.lastIndexOf('/') + 1);
    try (Connection c = java.sql.DriverManager.getConnection(cluster.jdbcUrl(database));
        Statement s = c.createStatement()) {
      s.execute("ALTER DATABASE " + database + " SET synchronous_commit = " + ("off".equals(synchronousCommit) ? "off" : "on"));
    }
    store = PostgresEngine.openStore(uri, StoreOptions.defaults());
    actor = store.actor("bench");
    ActorBatch b = actor.batch();
    for (int i = 0; i < KEYS; i++) {
      b.put(key(i), new byte[100]);
    }
    actor.commit(b);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(cluster.jdbcUrl(database));
    config.setMaximumPoolSize(2);
    raw = new HikariDataSource(config);
    rawId = "raw".getBytes(StandardCharsets.UTF_8);
    try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO actorkv.kv (actor_id, key, value) SELECT ?, key, value FROM actorkv.kv WHERE actor_id = ?")) {
      ps.setBytes(1, rawId);
      ps.setBytes(2, "bench".getBytes(StandardCharsets.UTF_8));
      ps.executeUpdate();
    }
    try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO actorkv.actors (actor_id, commit_seq, storage_bytes) VALUES (?, 1, 0)")) {
      ps.setBytes(1, rawId);
      ps.executeUpdate();
    }
    rawSeq = 1;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
    raw.close();
  }

  @Benchmark
  public byte[] storeGet() {
    next = (next + 7919) % KEYS;
    return actor.get(key(next));
  }

  @Benchmark
  public byte[] rawGet() throws SQLException {
    next = (next + 7919) % KEYS;
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT value FROM actorkv.kv WHERE actor_id = ? AND key = ?")) {
      ps.setBytes(1, rawId);
      ps.setBytes(2, key(next));
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getBytes(1) : null;
      }
    }
  }

  /** 100 keys read in one call (one query with the keys as an array). */
  @Benchmark
  public int storeMultiGet100() {
    List<byte[]> keys = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      next = (next + 7919) % KEYS;
      keys.add(key(next));
    }
    int n = 0;
    for (byte[] v : actor.multiGet(keys)) {
      n += v == null ? 0 : v.length;
    }
    return n;
  }

  @Benchmark
  public int rawMultiGet100() throws SQLException {
    List<byte[]> keys = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      next = (next + 7919) % KEYS;
      keys.add(key(next));
    }
    int n = 0;
    try (Connection c = raw.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT key, value FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?)")) {
      ps.setBytes(1, rawId);
      ps.setArray(2, c.createArrayOf("bytea", keys.toArray(new byte[0][])));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getBytes(1);
          n += rs.getBytes(2).length;
        }
      }
    }
    return n;
  }

  /** One overwrite in its own commit (the engine reads the key's old length, then commits in one statement). */
  @Benchmark
  public void storePut() {
    next = (next + 7919) % KEYS;
    actor.commit(actor.batch().put(key(next), new byte[100 + (next & 1)]));
  }

  @Benchmark
  public long rawPut() throws SQLException {
    next = (next + 7919) % KEYS;
    return rawCommit(List.of(key(next)), List.of(new byte[100 + (next & 1)]));
  }

  /** 100 keys forward from a point, over the primary-key index. */
  @Benchmark
  public long storeScan100() {
    next = (next + 7919) % (KEYS - SCAN);
    long n = 0;
    try (KeyValueIterator it = actor.iterator(KeyRange.of(key(next), key(next + SCAN)), false)) {
      while (it.hasNext()) {
        n += it.next().value().length;
      }
    }
    return n;
  }

  @Benchmark
  public long rawScan100() throws SQLException {
    next = (next + 7919) % (KEYS - SCAN);
    long n = 0;
    try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT key, value FROM actorkv.kv WHERE actor_id = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?")) {
      ps.setBytes(1, rawId);
      ps.setBytes(2, key(next));
      ps.setBytes(3, key(next + SCAN));
      ps.setInt(4, SCAN + 1);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          rs.getBytes(1);
          n += rs.getBytes(2).length;
        }
      }
    }
    return n;
  }

  /** 100 overwrites of keys the last commit did not write (their old lengths are read from the server). */
  @Benchmark
  public void storeCommit100() {
    ActorBatch b = actor.batch();
    for (int i = 0; i < BATCH; i++) {
      next = (next + 7919) % KEYS;
      b.put(key(next), new byte[100 + (i & 1)]);
    }
    actor.commit(b);
  }

  @Benchmark
  public long rawCommit100() throws SQLException {
    List<byte[]> keys = new ArrayList<>(BATCH);
    List<byte[]> values = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      next = (next + 7919) % KEYS;
      keys.add(key(next));
      values.add(new byte[100 + (i & 1)]);
    }
    return rawCommit(keys, values);
  }

  /**
   * The engine's commit statement before it read the old lengths itself: the lengths in one query, then
   * the commit in a second (two round trips), as the engine sent it until 2026-12-04.
   */
  @Benchmark
  public long rawCommit100TwoStatements() throws SQLException {
    List<byte[]> keys = new ArrayList<>(BATCH);
    List<byte[]> values = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      next = (next + 7919) % KEYS;
      keys.add(key(next));
      values.add(new byte[100 + (i & 1)]);
    }
    return rawCommitTwoStatements(keys, values);
  }

  /**
   * The engine's commit statement (PostgresEngine.commitSql with puts, counting the old sizes): one
   * statement, in autocommit mode, that reads the old sizes of the keys, fences on the commit sequence
   * and the epoch, updates the record within a ceiling and upserts the puts.
   */
  private long rawCommit(List<byte[]> keys, List<byte[]> values) throws SQLException {
    try (Connection c = raw.getConnection(); PreparedStatement ps = c.prepareStatement("""
        WITH o AS (SELECT coalesce(sum(octet_length(key) + octet_length(value)), 0)::bigint AS stored
          FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?)),
        a AS (
          UPDATE actorkv.actors AS t SET commit_seq = t.commit_seq + 1, storage_bytes = ?::bigint - o.stored,
            metadata = ?::bytea
          FROM o
          WHERE t.actor_id = ? AND t.commit_seq = ? AND t.owner_epoch = ? AND ?::bigint - o.stored <= ?
          RETURNING t.commit_seq),
        p AS (INSERT INTO actorkv.kv (actor_id, key, value)
          SELECT ?, u.k, u.v FROM unnest(?::bytea[], ?::bytea[]) AS u(k, v) WHERE EXISTS (SELECT FROM a)
          ON CONFLICT (actor_id, key) DO UPDATE SET value = EXCLUDED.value)
        SELECT (SELECT commit_seq FROM a), (SELECT stored FROM o)""")) {
      Array keyArray = c.createArrayOf("bytea", keys.toArray(new byte[0][]));
      ps.setBytes(1, rawId);
      ps.setArray(2, keyArray);
      ps.setLong(3, 1_000_000_000L); // the storage if none of the keys existed (the bench does not count)
      ps.setBytes(4, null); // no metadata
      ps.setBytes(5, rawId);
      ps.setLong(6, rawSeq);
      ps.setLong(7, 0L); // the raw actor's row was never acquired: epoch 0
      ps.setLong(8, 1_000_000_000L);
      ps.setLong(9, Long.MAX_VALUE);
      ps.setBytes(10, rawId);
      ps.setArray(11, keyArray);
      ps.setArray(12, c.createArrayOf("bytea", values.toArray(new byte[0][])));
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        rawSeq = rs.getLong(1);
        if (rs.wasNull()) {
          throw new IllegalStateException("the raw commit's fence wrote nothing");
        }
      }
    }
    return rawSeq;
  }

  private long rawCommitTwoStatements(List<byte[]> keys, List<byte[]> values) throws SQLException {
    try (Connection c = raw.getConnection()) {
      long old = 0;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT key, octet_length(value) FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?)")) {
        ps.setBytes(1, rawId);
        ps.setArray(2, c.createArrayOf("bytea", keys.toArray(new byte[0][])));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            old += rs.getBytes(1).length + rs.getInt(2);
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("""
          WITH a AS (
            INSERT INTO actorkv.actors AS t (actor_id, commit_seq, storage_bytes, metadata)
            VALUES (?, 1, ?, ?)
            ON CONFLICT (actor_id) DO UPDATE SET commit_seq = t.commit_seq + 1, storage_bytes = EXCLUDED.storage_bytes,
              metadata = EXCLUDED.metadata
            WHERE t.commit_seq = ?
            RETURNING t.commit_seq),
          p AS (INSERT INTO actorkv.kv (actor_id, key, value)
            SELECT ?, u.k, u.v FROM unnest(?::bytea[], ?::bytea[]) AS u(k, v) WHERE EXISTS (SELECT FROM a)
            ON CONFLICT (actor_id, key) DO UPDATE SET value = EXCLUDED.value)
          SELECT commit_seq FROM a""")) {
        ps.setBytes(1, rawId);
        ps.setLong(2, old);
        ps.setBytes(3, null);
        ps.setLong(4, rawSeq);
        ps.setBytes(5, rawId);
        ps.setArray(6, c.createArrayOf("bytea", keys.toArray(new byte[0][])));
        ps.setArray(7, c.createArrayOf("bytea", values.toArray(new byte[0][])));
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          rawSeq = rs.getLong(1);
        }
      }
    }
    return rawSeq;
  }
}
