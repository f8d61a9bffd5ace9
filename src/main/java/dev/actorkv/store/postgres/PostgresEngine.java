package dev.actorkv.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.AlarmProblem;
import dev.actorkv.store.DueAlarm;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.ActorOwner;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.CommitOutcomeUnknownException;
import dev.actorkv.store.ConcurrentCommitException;
import dev.actorkv.store.StorageEngine;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The engine for more than one machine: every actor in one PostgreSQL database (tables in
 * {@link Schema}). The same logical keys and values as the embedded engine, as {@code bytea}, which
 * PostgreSQL orders bytewise as RocksDB does, so every scan gives the same keys in the same order.
 *
 * <p>Every commit is one statement in autocommit mode, so one round trip and one transaction (commits of
 * different actors that meet while every commit slot is busy share one transaction, and those of only puts
 * and deletes one statement: see {@link GroupCommits}): the actor's row is updated (commit sequence + 1, storage count) only when its commit sequence is still the
 * one this process last saw, and the range deletes, the deletes and the upsert of the puts (arrays through
 * {@code unnest}) run only when that update did. When the store does not know the old lengths of some
 * keys, the same statement reads them and finishes the storage count (see {@link #commitSql}). A
 * connection lost while a commit was in flight is resolved through the commit sequence (see
 * {@link #resolve}), never guessed. Reads use the primary key's index; iterators
 * fetch in bounded pages by key (keyset pagination), so no connection is held between pages.
 *
 * <p><b>Ownership.</b> A writable store owns each actor it hands out: {@link EngineActor#acquire()} bumps
 * the actor's {@code owner_epoch}, names this node and sets {@code lease_expires} from the database's
 * clock, in one statement that succeeds only when the lease ran out or was released (and creates the
 * actor's row when it has none). One scheduler thread per engine renews every held lease in one statement
 * every third of the lease time. Every commit updates the actor's row {@code WHERE owner_epoch = } this
 * handle's epoch in its own transaction: the row lock serializes it with a takeover, and a stale epoch
 * updates no row, so nothing of the commit lands ({@link ActorFencedException}). Epochs only grow: deleting
 * an actor keeps its row (with no record: {@code commit_seq = 0}).
 */
public final class PostgresEngine implements StorageEngine {
  /** Entries an iterator fetches per page after the first. */
  static final int PAGE = 1000;
  private static final int POOL_SIZE = 8;
  /**
   * Commit transactions in flight at once; later commits wait and go together in the next one. Half the
   * pool: the rest serves reads, and a refused or cut commit's own queries, while every slot is busy.
   */
  static final int COMMIT_SLOTS = POOL_SIZE / 2;

  private final DataSource dataSource;
  /** The pool this engine created and closes; null for a data source the application supplied. */
  private final HikariDataSource ownPool;
  private final String location;
  private final LeaseOptions leases;
  /** Actors whose lease this engine holds, by id: what the renewal renews and close() releases. */
  private final ConcurrentHashMap<String, Actor> held = new ConcurrentHashMap<>();
  /** Every commit goes through it: commits of different actors that meet are sent as one transaction. */
  private final GroupCommits commits;
  /** The one thread renewing every lease of this engine, started with the first lease; guarded by this. */
  private ScheduledExecutorService renewal;
  private volatile boolean closed;

  private PostgresEngine(DataSource dataSource, HikariDataSource ownPool, String location, LeaseOptions leases) {
    this.dataSource = dataSource;
    this.ownPool = ownPool;
    this.location = location;
    this.leases = Objects.requireNonNull(leases, "leases");
    this.commits = new GroupCommits(dataSource, PostgresEngine::connectionLost, COMMIT_SLOTS);
  }

  /**
   * Opens the store in the database {@code uri} names (libpq form, see {@link PostgresUri}) through a pool
   * of its own. Creates the schema when {@code options.createIfMissing()} and the database has none.
   */
  public static PostgresEngine open(String uri, StoreOptions options) {
    return open(uri, options, LeaseOptions.defaults());
  }

  /** Like {@link #open(String, StoreOptions)}, owning actors as {@code leases} says. */
  public static PostgresEngine open(String uri, StoreOptions options, LeaseOptions leases) {
    PostgresUri u = PostgresUri.parse(uri, System.getenv("PGPASSWORD"));
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(u.jdbcUrl());
    config.setDataSourceProperties(u.jdbcProperties());
    config.setMaximumPoolSize(POOL_SIZE);
    config.setMinimumIdle(1);
    config.setPoolName("actor-kv " + u.display());
    config.setConnectionTimeout(10_000);
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(config);
    } catch (RuntimeException e) { // HikariCP's PoolInitializationException: the first connection failed
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new StoreException("cannot connect to " + u.display() + ": " + cause.getMessage(), e);
    }
    try {
      Schema.prepare(pool, options.createIfMissing(), u.display(), Schema.MIGRATIONS);
    } catch (RuntimeException e) {
      pool.close();
      throw e;
    }
    return new PostgresEngine(pool, pool, u.display(), leases);
  }

  /**
   * Opens the store in the database behind {@code dataSource}, which the application owns (and closes
   * after the store). {@code location} names it in messages.
   */
  public static PostgresEngine open(DataSource dataSource, String location, StoreOptions options) {
    return open(dataSource, location, options, LeaseOptions.defaults());
  }

  /** Like {@link #open(DataSource, String, StoreOptions)}, owning actors as {@code leases} says. */
  public static PostgresEngine open(DataSource dataSource, String location, StoreOptions options, LeaseOptions leases) {
    Objects.requireNonNull(dataSource, "dataSource");
    Schema.prepare(dataSource, options.createIfMissing(), location, Schema.MIGRATIONS);
    return new PostgresEngine(dataSource, null, location, leases);
  }

  /** An {@link ActorStore} on the database {@code uri} names. */
  public static ActorStore openStore(String uri, StoreOptions options) {
    return ActorStore.open(open(uri, options), options);
  }

  /** An {@link ActorStore} on the database {@code uri} names, owning actors as {@code leases} says. */
  public static ActorStore openStore(String uri, StoreOptions options, LeaseOptions leases) {
    return ActorStore.open(open(uri, options, leases), options);
  }

  /** Commit transactions this engine sent (a group of commits is one), for tests. */
  long commitTransactions() {
    return commits.transactions();
  }

  /** Commits waiting for a commit slot now, for tests. */
  int waitingCommits() {
    return commits.waiting();
  }

  /** Commit statements this engine sent (one per actor commit, grouped or not), for tests. */
  long commitStatements() {
    return commits.statements();
  }

  /** How this engine owns actors. */
  public LeaseOptions leases() {
    return leases;
  }

  @Override
  public String kind() {
    return "postgresql";
  }

  @Override
  public int heldLeases() {
    return held.size();
  }

  @Override
  public String location() {
    return location;
  }

  @Override
  public EngineActor actor(String actorId) {
    return new Actor(actorId);
  }

  @Override
  public List<String> actorIds(String afterExclusive, int limit) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(afterExclusive == null ? FIRST_ACTOR_IDS_SQL : ACTOR_IDS_SQL)) {
        ps.setBytes(1, afterExclusive == null ? new byte[0] : utf8(afterExclusive));
        ps.setInt(2, limit);
        return actorIdList(ps);
      }
    }, "listing actors");
  }

  private static List<String> actorIdList(PreparedStatement ps) throws SQLException {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(new String(rs.getBytes(1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  @Override
  public EngineSnapshot snapshot() {
    try {
      return new Snapshot(dataSource.getConnection());
    } catch (SQLException e) {
      throw new StoreException("snapshot of " + location + " failed: " + e.getMessage(), e);
    }
  }

  /** A no-op: PostgreSQL acknowledges a commit once it is durable (with the server's default settings). */
  @Override
  public void sync() {}

  @Override
  public List<ActorOwner> owners(String actorId) {
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(actorId == null ? OWNERS_SQL : OWNER_SQL)) {
        if (actorId != null) {
          ps.setBytes(1, utf8(actorId));
        }
        List<ActorOwner> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            OffsetDateTime expires = rs.getObject(4, OffsetDateTime.class);
            out.add(new ActorOwner(new String(rs.getBytes(1), StandardCharsets.UTF_8), rs.getString(2), rs.getLong(3),
                expires == null ? null : expires.toInstant()));
          }
        }
        return out;
      }
    }, "listing owners");
  }

  /** Stops renewing, releases every lease still held (one statement), then closes the pool when it is ours. */
  @Override
  public void close() {
    ScheduledExecutorService r;
    synchronized (this) {
      closed = true;
      r = renewal;
      renewal = null;
    }
    if (r != null) {
      r.shutdownNow();
      try {
        r.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      releaseLeases(List.copyOf(held.values()));
    } catch (StoreException e) {
      // The database cannot be reached: the leases run out by themselves, and the epochs still fence.
    }
    held.clear();
    if (ownPool != null) {
      ownPool.close();
    }
  }

  /** One statement for all of them (those still held by this engine; the rest have nothing to give up). */
  @Override
  public void releaseAll(List<EngineActor> actors) {
    List<Actor> releasing = new ArrayList<>(actors.size());
    for (EngineActor e : actors) {
      if (e instanceof Actor a && a.stopHolding()) {
        releasing.add(a);
      }
    }
    releaseLeases(releasing);
  }

  /** Gives the leases of {@code actors} up ({@link #RELEASE_ALL_SQL}, in chunks). */
  private void releaseLeases(List<Actor> actors) {
    leaseStatement(RELEASE_ALL_SQL, actors, 0, new java.util.HashSet<>());
  }

  // ------------------------------------------------------------------ leases

  static final String ACQUIRE_SQL = """
      INSERT INTO actorkv.actors AS t (actor_id, commit_seq, storage_bytes, owner_node, owner_epoch, lease_expires)
      VALUES (?, 0, 0, ?, 1, now() + ? * interval '1 millisecond')
      ON CONFLICT (actor_id) DO UPDATE SET owner_node = EXCLUDED.owner_node, owner_epoch = t.owner_epoch + 1,
        lease_expires = EXCLUDED.lease_expires
      WHERE t.lease_expires IS NULL OR t.lease_expires <= now()
      RETURNING t.owner_epoch, t.commit_seq, t.storage_bytes, t.metadata,
        t.commit_seq = 0 AND NOT EXISTS (SELECT FROM actorkv.kv AS k WHERE k.actor_id = t.actor_id)""";
  static final String HOLDER_SQL = "SELECT owner_node, lease_expires, owner_epoch FROM actorkv.actors WHERE actor_id = ?";
  /**
   * Renews the leases of (actor, epoch) pairs still held and not released; answers the ids of those it
   * could not renew (taken over, or released under the handle): the rare ones, so a round over many
   * leases sends little back.
   */
  static final String RENEW_SQL = """
      WITH u AS (SELECT * FROM unnest(?::bytea[], ?::bigint[]) AS u(id, epoch)),
      r AS (
        UPDATE actorkv.actors AS t SET lease_expires = now() + ? * interval '1 millisecond'
        FROM u WHERE t.actor_id = u.id AND t.owner_epoch = u.epoch AND t.lease_expires IS NOT NULL
        RETURNING t.actor_id)
      SELECT u.id FROM u WHERE NOT EXISTS (SELECT FROM r WHERE r.actor_id = u.id)""";
  static final String RELEASE_ALL_SQL = """
      UPDATE actorkv.actors AS t SET lease_expires = NULL
      FROM unnest(?::bytea[], ?::bigint[]) AS u(id, epoch)
      WHERE t.actor_id = u.id AND t.owner_epoch = u.epoch""";
  /**
   * Leases renewed or released per statement. Each statement is a transaction of its own and holds its
   * rows' locks until it ends, so a commit of one of those actors waits for one such chunk at most, not for
   * a statement over every lease the node holds (tens of thousands on a node running many short-lived
   * actors, which took the server half a second).
   */
  static final int LEASE_CHUNK = 1000;
  static final String OWNERS_SQL =
      "SELECT actor_id, owner_node, owner_epoch, lease_expires FROM actorkv.actors WHERE owner_epoch > 0 ORDER BY actor_id";
  static final String OWNER_SQL =
      "SELECT actor_id, owner_node, owner_epoch, lease_expires FROM actorkv.actors WHERE owner_epoch > 0 AND actor_id = ?";

  /**
   * Runs {@link #RENEW_SQL} (with {@code ttlMillis}) or {@link #RELEASE_ALL_SQL} for {@code actors}, in
   * chunks of {@link #LEASE_CHUNK} in the order of their ids (so that two nodes' statements lock rows in one
   * order); adds the ids a renewal could not renew to {@code lost}. A chunk that fails does not stop the
   * others: the first failure is thrown once all were tried.
   */
  private void leaseStatement(String sql, List<Actor> actors, long ttlMillis, java.util.Set<String> lost) {
    List<Actor> sorted = new ArrayList<>(actors);
    sorted.sort((x, y) -> java.util.Arrays.compareUnsigned(x.id, y.id));
    RuntimeException failed = null;
    for (int from = 0; from < sorted.size(); from += LEASE_CHUNK) {
      List<Actor> chunk = sorted.subList(from, Math.min(sorted.size(), from + LEASE_CHUNK));
      List<byte[]> ids = new ArrayList<>(chunk.size());
      Long[] epochs = new Long[chunk.size()];
      for (int i = 0; i < chunk.size(); i++) {
        ids.add(chunk.get(i).id);
        epochs[i] = chunk.get(i).epoch;
      }
      try {
        pooled(c -> {
          try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, byteaArray(c, ids));
            ps.setArray(2, c.createArrayOf("bigint", epochs));
            if (sql == RENEW_SQL) {
              ps.setLong(3, ttlMillis);
              try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                  lost.add(new String(rs.getBytes(1), StandardCharsets.UTF_8));
                }
              }
            } else {
              ps.executeUpdate();
            }
            return null;
          }
        }, sql == RENEW_SQL ? "renewing leases" : "releasing leases");
      } catch (RuntimeException e) {
        if (failed == null) {
          failed = e;
        }
      }
    }
    if (failed != null) {
      throw failed;
    }
  }

  /** Starts the renewal with the first lease. */
  private synchronized void startRenewal() {
    if (renewal != null || closed) {
      return;
    }
    ScheduledThreadPoolExecutor r = new ScheduledThreadPoolExecutor(1, task -> {
      Thread t = new Thread(task, "actor-kv lease renewal " + location);
      t.setDaemon(true); // a store left open must not keep the JVM alive; its leases then run out
      return t;
    });
    r.setRemoveOnCancelPolicy(true);
    long period = Math.max(30, leases.ttl().toMillis() / 3);
    r.scheduleWithFixedDelay(this::renewAll, period, period, TimeUnit.MILLISECONDS);
    renewal = r;
  }

  /**
   * One renewal round: every held lease, {@link #LEASE_CHUNK} to a statement. A lease whose epoch is no longer the row's was
   * taken over: that actor is fenced at once (its next call throws). A round that cannot reach the
   * database changes nothing; the next one tries again (commits still check the epoch).
   */
  private void renewAll() {
    List<Actor> actors = List.copyOf(held.values());
    java.util.Set<String> lost = new java.util.HashSet<>();
    try {
      leaseStatement(RENEW_SQL, actors, leases.ttl().toMillis(), lost);
    } catch (RuntimeException e) {
      // A chunk that could not reach the database renews nothing this round; the next one tries again.
    }
    for (Actor a : actors) {
      if (lost.contains(a.actorId) && held.remove(a.actorId, a)) {
        a.fenced = true; // taken over (or released under it by close, which removed it from held first)
      }
    }
  }

  // ------------------------------------------------------------------ SQL plumbing

  /** Runs a unit of work on a connection. */
  interface Work<T> {
    T run(Connection c) throws SQLException;
  }

  /** Where a cursor's queries run: a pooled connection per query, or a snapshot's own connection. */
  interface Queries {
    <T> T run(Work<T> work, String what);
  }

  private final Queries pool = this::read;

  /**
   * Runs {@code work} on a pooled connection, with the thread's interrupt flag held back until it is
   * done: an interrupt would close the socket under the statement (a virtual thread's socket I/O is
   * interruptible), where the embedded engine's reads and writes are not interruptible at all.
   */
  <T> T pooled(Work<T> work, String what) {
    boolean interrupted = Thread.interrupted();
    try (Connection c = dataSource.getConnection()) {
      return work.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Like {@link #pooled}, for reads: run once more on a fresh connection when the first one broke. */
  <T> T read(Work<T> work, String what) {
    boolean interrupted = Thread.interrupted();
    try {
      for (int attempt = 0; ; attempt++) {
        try (Connection c = dataSource.getConnection()) {
          return work.run(c);
        } catch (SQLException e) {
          interrupted |= Thread.interrupted();
          if (attempt > 0 || !connectionLost(e)) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Array byteaArray(Connection c, List<byte[]> values) throws SQLException {
    return c.createArrayOf("bytea", values.toArray(new byte[0][]));
  }

  /** Begin (inclusive) of a logical range as stored; null when the range holds no logical key. */
  static byte[] begin(KeyRange range) {
    byte[] begin = range.begin();
    return begin.length > 0 && begin[0] == (byte) 0xff ? null : begin;
  }

  /** End (exclusive) of a logical range; an unbounded end stops at the reserved byte 0xFF. */
  static byte[] end(KeyRange range) {
    byte[] end = range.end();
    return end.length == 0 || (end[0] & 0xff) == 0xff ? new byte[] {(byte) 0xff} : end;
  }

  /** Whether {@code e} leaves it unknown whether the server applied the statement (the connection broke). */
  static boolean connectionLost(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P");
  }

  // ------------------------------------------------------------------ statements (each shape is EXPLAINed by a test)

  static final String GET_SQL = "SELECT value FROM actorkv.kv WHERE actor_id = ? AND key = ?";
  static final String MULTI_GET_SQL = "SELECT key, value FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?)";
  static final String LENGTHS_SQL = "SELECT key, octet_length(value) FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?)";
  static final String ACTOR_IDS_SQL =
      "SELECT actor_id FROM actorkv.actors WHERE actor_id > ? AND commit_seq > 0 ORDER BY actor_id LIMIT ?";
  /** The first page: from the empty id on ({@code > ''} would leave out the actor whose id is empty). */
  static final String FIRST_ACTOR_IDS_SQL =
      "SELECT actor_id FROM actorkv.actors WHERE actor_id >= ? AND commit_seq > 0 ORDER BY actor_id LIMIT ?";
  static final String READ_RECORD_SQL = "SELECT storage_bytes, metadata, commit_seq FROM actorkv.actors WHERE actor_id = ?";

  /**
   * One page of a range: parameters actor id, lower bound, upper bound, limit. Forward pages after the
   * first start after the last key ({@code after}); reverse pages lower the upper bound instead.
   */
  static String rangeSql(boolean reverse, boolean after, boolean sizes) {
    String column = sizes ? "octet_length(value)" : "value";
    if (reverse) {
      return "SELECT key, " + column + " FROM actorkv.kv WHERE actor_id = ? AND key >= ? AND key < ? ORDER BY key DESC LIMIT ?";
    }
    return "SELECT key, " + column + " FROM actorkv.kv WHERE actor_id = ? AND key " + (after ? ">" : ">=")
        + " ? AND key < ? ORDER BY key LIMIT ?";
  }

  // ------------------------------------------------------------------ commits

  /**
   * The fence: the actor's row (created when the actor was acquired) is updated only when both its commit
   * sequence and its owner epoch are still this handle's; the row lock it takes serializes the commit
   * with a takeover. No row updated: nothing else of the statement runs.
   */
  private static final String UPSERT_ACTOR = """
      a AS (
        UPDATE actorkv.actors AS t SET commit_seq = t.commit_seq + 1, storage_bytes = ?, metadata = ?::bytea
        WHERE t.actor_id = ? AND t.commit_seq = ? AND t.owner_epoch = ?
        RETURNING t.commit_seq)""";
  /**
   * The range deletes, as (begin, end) arrays. The keys the statement puts or deletes one by one are left
   * to those parts: two parts of one statement must not change the same row (which one wins is not
   * defined).
   */
  private static final String DELETE_RANGES = """
      r AS (DELETE FROM actorkv.kv AS k USING unnest(?::bytea[], ?::bytea[]) AS g(b, e)
        WHERE k.actor_id = ? AND k.key >= g.b AND k.key < g.e AND k.key <> ALL (?::bytea[]) AND EXISTS (SELECT FROM a))""";
  private static final String DELETE_KEYS = """
      d AS (DELETE FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?) AND EXISTS (SELECT FROM a))""";
  private static final String PUT_KEYS = """
      p AS (INSERT INTO actorkv.kv (actor_id, key, value)
        SELECT ?, u.k, u.v FROM unnest(?::bytea[], ?::bytea[]) AS u(k, v) WHERE EXISTS (SELECT FROM a)
        ON CONFLICT (actor_id, key) DO UPDATE SET value = EXCLUDED.value)""";
  /** Alarm deletes and sets: like the keys', guarded by the fence, in the commit's one statement. */
  private static final String DELETE_ALARMS = """
      ad AS (DELETE FROM actorkv.alarms WHERE actor_id = ? AND name = ANY (?) AND EXISTS (SELECT FROM a))""";
  private static final String PUT_ALARMS = """
      ap AS (INSERT INTO actorkv.alarms (actor_id, name, due, payload)
        SELECT ?, u.n, u.d, u.p FROM unnest(?::bytea[], ?::bigint[], ?::bytea[]) AS u(n, d, p) WHERE EXISTS (SELECT FROM a)
        ON CONFLICT (actor_id, name) DO UPDATE SET due = EXCLUDED.due, payload = EXCLUDED.payload)""";
  /**
   * The old sizes of the keys whose lengths the store does not know, read by the commit statement itself
   * (every part of one statement sees the database as it was before the statement's own writes).
   */
  private static final String OLD_SIZES = """
      o AS (SELECT coalesce(sum(octet_length(key) + octet_length(value)), 0)::bigint AS stored
        FROM actorkv.kv WHERE actor_id = ? AND key = ANY (?))""";
  /**
   * The fence of {@link #UPSERT_ACTOR} when the statement finishes the storage count: the row gets the
   * storage less the old sizes, and is updated (so the rest of the statement runs) only when that is
   * within the store's ceiling.
   */
  private static final String UPSERT_ACTOR_COUNTED = """
      a AS (
        UPDATE actorkv.actors AS t SET commit_seq = t.commit_seq + 1, storage_bytes = ?::bigint - o.stored,
          metadata = ?::bytea
        FROM o
        WHERE t.actor_id = ? AND t.commit_seq = ? AND t.owner_epoch = ? AND ?::bigint - o.stored <= ?
        RETURNING t.commit_seq)""";
  /**
   * The commit of one put and nothing else (a persisted event, a counter, a page), alone: scalar
   * parameters instead of arrays, so the server's plan does not depend on the values and a prepared
   * statement keeps one (an array-valued statement is planned again for most new arrays). Parameters:
   * when {@code counted}, actor id and key (the one key whose old size counts), then the fence's as in
   * {@link #commitSql}, then actor id, key, value.
   */
  static String onePutSql(boolean counted) {
    return counted ? ONE_PUT_COUNTED_SQL : ONE_PUT_SQL;
  }

  private static final String ONE_PUT = """
      p AS (INSERT INTO actorkv.kv (actor_id, key, value) SELECT ?::bytea, ?::bytea, ?::bytea WHERE EXISTS (SELECT FROM a)
        ON CONFLICT (actor_id, key) DO UPDATE SET value = EXCLUDED.value)""";
  private static final String ONE_PUT_SQL = "WITH " + UPSERT_ACTOR + ",\n" + ONE_PUT + "\nSELECT commit_seq FROM a";
  private static final String ONE_PUT_COUNTED_SQL = """
      WITH o AS (SELECT coalesce(sum(octet_length(key) + octet_length(value)), 0)::bigint AS stored
        FROM actorkv.kv WHERE actor_id = ? AND key = ?),
      """ + UPSERT_ACTOR_COUNTED + ",\n" + ONE_PUT + "\nSELECT (SELECT commit_seq FROM a), (SELECT stored FROM o)";

  /** The commit statement for each combination of (has deletes, has puts, counts old sizes, has ranges, alarm deletes, alarm sets). */
  private static final String[] COMMIT_SQL = new String[64];

  static {
    for (int i = 0; i < 64; i++) {
      boolean deletes = (i & 1) != 0;
      boolean puts = (i & 2) != 0;
      boolean counted = (i & 4) != 0;
      boolean ranges = (i & 8) != 0;
      boolean alarmDeletes = (i & 16) != 0;
      boolean alarmPuts = (i & 32) != 0;
      COMMIT_SQL[i] = "WITH " + (counted ? OLD_SIZES + ",\n" + UPSERT_ACTOR_COUNTED : UPSERT_ACTOR)
          + (ranges ? ",\n" + DELETE_RANGES : "") + (deletes ? ",\n" + DELETE_KEYS : "") + (puts ? ",\n" + PUT_KEYS : "")
          + (alarmDeletes ? ",\n" + DELETE_ALARMS : "") + (alarmPuts ? ",\n" + PUT_ALARMS : "")
          + (counted ? "\nSELECT (SELECT commit_seq FROM a), (SELECT stored FROM o)" : "\nSELECT commit_seq FROM a");
    }
  }

  /**
   * The commit statement, sent alone in autocommit mode: the whole commit is one round trip. Parameters in
   * order: {@code counted}: actor id, keys of unknown length; the fence's (storage, metadata, actor id,
   * expected commit sequence, epoch, and when {@code counted} the storage again and the ceiling);
   * {@code ranges}: begins, ends, actor id, keys put or deleted; {@code deletes}: actor id, keys;
   * {@code puts}: actor id, keys, values; {@code alarmDeletes}: actor id, names; {@code alarmPuts}: actor
   * id, names, due times, payloads. Answers the new commit sequence, or no row (null when
   * {@code counted}) when the fence wrote nothing; {@code counted}: also the old sizes of the unknown keys.
   */
  static String commitSql(boolean deletes, boolean puts, boolean counted, boolean ranges) {
    return commitSql(deletes, puts, counted, ranges, false, false);
  }

  static String commitSql(boolean deletes, boolean puts, boolean counted, boolean ranges, boolean alarmDeletes, boolean alarmPuts) {
    return COMMIT_SQL[(deletes ? 1 : 0) | (puts ? 2 : 0) | (counted ? 4 : 0) | (ranges ? 8 : 0) | (alarmDeletes ? 16 : 0)
        | (alarmPuts ? 32 : 0)];
  }

  // ------------------------------------------------------------------ alarms

  static final String ALARM_SQL = "SELECT due, payload FROM actorkv.alarms WHERE actor_id = ? AND name = ?";
  static final String ALARMS_NAMED_SQL = "SELECT name, due, payload FROM actorkv.alarms WHERE actor_id = ? AND name = ANY (?)";
  static final String ALARMS_SQL = "SELECT name, due, payload FROM actorkv.alarms WHERE actor_id = ? ORDER BY name";
  static final String ALARM_COUNT_SQL = "SELECT count(*) FROM actorkv.alarms WHERE actor_id = ?";
  /** The first entries of the due-time index up to a time: one seek of {@code alarms_by_due}. */
  static final String DUE_SQL = "SELECT actor_id, name, due FROM actorkv.alarms WHERE due <= ? ORDER BY due, actor_id, name LIMIT ?";
  /** The next page after an entry: a row comparison the index serves as one seek. */
  static final String DUE_AFTER_SQL = "SELECT actor_id, name, due FROM actorkv.alarms WHERE (due, actor_id, name) > (?, ?, ?)"
      + " AND due <= ? ORDER BY due, actor_id, name LIMIT ?";

  private static Alarm alarmOf(byte[] name, long due, byte[] payload) {
    return new Alarm(new String(name, StandardCharsets.UTF_8), Instant.ofEpochMilli(due), payload);
  }

  static List<Alarm> readAlarms(Queries q, byte[] id, String what) {
    return q.run(c -> {
      try (PreparedStatement ps = c.prepareStatement(ALARMS_SQL)) {
        ps.setBytes(1, id);
        List<Alarm> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(alarmOf(rs.getBytes(1), rs.getLong(2), rs.getBytes(3)));
          }
        }
        return out;
      }
    }, what);
  }

  @Override
  public List<DueAlarm> alarmsByDue(DueAlarm afterExclusive, long upToMillis, int limit) {
    if (upToMillis < 0) {
      return List.of();
    }
    return read(c -> {
      try (PreparedStatement ps = c.prepareStatement(afterExclusive == null ? DUE_SQL : DUE_AFTER_SQL)) {
        int i = 1;
        if (afterExclusive != null) {
          ps.setLong(i++, afterExclusive.due().toEpochMilli());
          ps.setBytes(i++, utf8(afterExclusive.actorId()));
          ps.setBytes(i++, utf8(afterExclusive.name()));
        }
        ps.setLong(i++, upToMillis);
        ps.setInt(i, limit);
        List<DueAlarm> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new DueAlarm(new String(rs.getBytes(1), StandardCharsets.UTF_8), new String(rs.getBytes(2), StandardCharsets.UTF_8),
                Instant.ofEpochMilli(rs.getLong(3))));
          }
        }
        return out;
      }
    }, "reading the alarm index of " + location);
  }

  /**
   * The index is the database's own ({@code alarms_by_due}), kept in every commit's transaction, so it
   * cannot disagree with the rows; what can still be wrong is per alarm: a row that is not a valid alarm
   * (a name that is not UTF-8, a due time out of range, a payload over the limit), or the alarm of an
   * actor without a record.
   */
  @Override
  public List<AlarmProblem> checkAlarms() {
    return read(c -> {
      List<AlarmProblem> problems = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("""
              SELECT l.actor_id, l.name, l.due, octet_length(l.payload), r.commit_seq
              FROM actorkv.alarms l LEFT JOIN actorkv.actors r ON r.actor_id = l.actor_id
              WHERE r.actor_id IS NULL OR r.commit_seq = 0 OR l.due < 0 OR l.due > %d OR octet_length(l.payload) > %d
                OR octet_length(l.name) NOT BETWEEN 1 AND %d
              ORDER BY l.actor_id, l.name""".formatted(Alarm.MAX_DUE.toEpochMilli(), Alarm.MAX_PAYLOAD_BYTES, Alarm.MAX_NAME_BYTES))) {
        while (rs.next()) {
          String actor = new String(rs.getBytes(1), StandardCharsets.UTF_8);
          String name = new String(rs.getBytes(2), StandardCharsets.UTF_8);
          long due = rs.getLong(3);
          Instant at = due >= 0 && due <= Alarm.MAX_DUE.toEpochMilli() ? Instant.ofEpochMilli(due) : null;
          long seq = rs.getLong(5);
          if (rs.wasNull() || seq == 0) {
            problems.add(new AlarmProblem(AlarmProblem.Kind.ORPHAN_ALARM, actor, name, at, "the actor has alarms but no record"));
          } else {
            problems.add(new AlarmProblem(AlarmProblem.Kind.UNREADABLE_ALARM, actor, name, at,
                "due " + due + " ms, payload " + rs.getInt(4) + " bytes: not a valid alarm"));
          }
        }
      }
      return problems;
    }, "checking the alarms of " + location);
  }

  @Override
  public int rebuildAlarmIndex() {
    return read(c -> {
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM actorkv.alarms")) {
        rs.next();
        return rs.getInt(1);
      }
    }, "counting the alarms of " + location);
  }

  /**
   * A batch as three sets a database applies in any order within one transaction: ranges to delete,
   * then keys to delete and keys to put (disjoint). A later change of a key replaces an earlier one;
   * a range delete drops every earlier change of keys inside it.
   */
  record NetChanges(List<byte[][]> ranges, List<byte[]> deletes, List<byte[]> putKeys, List<byte[]> putValues) {
    private static final byte[] TOMBSTONE = new byte[0];

    static NetChanges of(List<ActorBatch.Op> ops) {
      List<byte[][]> ranges = new ArrayList<>();
      TreeMap<byte[], byte[]> last = new TreeMap<>(Arrays::compareUnsigned);
      for (ActorBatch.Op op : ops) {
        switch (op) {
          case ActorBatch.Put p -> last.put(p.key(), p.value());
          case ActorBatch.Delete d -> last.put(d.key(), TOMBSTONE);
          case ActorBatch.DeleteRange r -> {
            byte[] begin = begin(r.range());
            byte[] end = end(r.range());
            if (begin != null && Arrays.compareUnsigned(begin, end) < 0) {
              ranges.add(new byte[][] {begin, end});
              last.subMap(begin, true, end, false).clear();
            }
          }
        }
      }
      List<byte[]> deletes = new ArrayList<>();
      List<byte[]> putKeys = new ArrayList<>();
      List<byte[]> putValues = new ArrayList<>();
      for (Map.Entry<byte[], byte[]> e : last.entrySet()) {
        if (e.getValue() == TOMBSTONE) {
          deletes.add(e.getKey());
        } else {
          putKeys.add(e.getKey());
          putValues.add(e.getValue());
        }
      }
      return new NetChanges(ranges, deletes, putKeys, putValues);
    }
  }

  /** An actor's row as its acquisition left it; {@code empty}: no record and no key. */
  private record AcquiredRow(long commitSeq, long storageBytes, byte @Nullable [] metadata, boolean empty) {}

  /** One actor. Commits are serialized by the store; {@code commitSeq} is guarded by that. */
  private final class Actor implements EngineActor {
    private final String actorId;
    private final byte[] id;
    /** The commit sequence of the actor's row as this process last saw it (0: no record). */
    private volatile long commitSeq;
    /** The epoch this handle owns the actor with (0: not acquired, a read-only store). */
    private volatile long epoch;
    /** Set when a renewal or a write found the actor taken over. */
    private volatile boolean fenced;
    /**
     * What the acquisition read of the actor's row, for the load that follows it: nothing can have written
     * the actor in between, since the acquisition fenced every other writer. Null once used, or when the
     * actor was not acquired. Guarded by the store's order of calls (acquire, then loadRecord, on one thread).
     */
    private @Nullable AcquiredRow acquiredRow;
    /** Whether the last load found no record and no key: nothing to count. */
    private boolean loadedEmpty;

    Actor(String actorId) {
      this.actorId = actorId;
      this.id = utf8(actorId);
    }

    private String quoted() {
      return "actor \"" + actorId.replace("\0", "\\0") + "\"";
    }

    @Override
    public void acquire() {
      for (int attempt = 0; ; attempt++) {
        Object[] holder = new Object[2];
        long got = pooled(c -> {
          try (PreparedStatement ps = c.prepareStatement(ACQUIRE_SQL)) {
            ps.setBytes(1, id);
            ps.setString(2, leases.node());
            ps.setLong(3, leases.ttl().toMillis());
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                acquiredRow = new AcquiredRow(rs.getLong(2), rs.getLong(3), rs.getBytes(4), rs.getBoolean(5));
                return rs.getLong(1);
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement(HOLDER_SQL)) {
            ps.setBytes(1, id);
            try (ResultSet rs = ps.executeQuery()) {
              if (rs.next()) {
                holder[0] = rs.getString(1);
                OffsetDateTime expires = rs.getObject(2, OffsetDateTime.class);
                holder[1] = expires == null ? null : expires.toInstant();
              }
            }
          }
          return 0L;
        }, "taking ownership of " + quoted());
        if (got > 0) {
          epoch = got;
          fenced = false;
          held.put(actorId, this);
          startRenewal();
          return;
        }
        // The lease ran out or was released between the two statements: try again, a few times.
        if (holder[1] != null || attempt >= 3) {
          throw new ActorOwnedException(actorId, String.valueOf(holder[0]), (Instant) holder[1]);
        }
      }
    }

    @Override
    public void release() {
      if (!stopHolding()) {
        return;
      }
      pooled(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE actorkv.actors SET lease_expires = NULL WHERE actor_id = ? AND owner_epoch = ?")) {
          ps.setBytes(1, id);
          ps.setLong(2, epoch);
          ps.executeUpdate();
        }
        return null;
      }, "releasing " + quoted());
    }

    /** Stops renewing this actor's lease; false when it holds none (never acquired, or already given up). */
    boolean stopHolding() {
      return epoch != 0 && held.remove(actorId, this);
    }

    @Override
    public void checkFenced() {
      if (fenced) {
        throw new ActorFencedException(actorId, epoch, "its lease was taken over");
      }
    }

    @Override
    public ActorRecord readRecord() {
      long[] seq = new long[1];
      return readWithSeq(seq);
    }

    @Override
    public ActorRecord loadRecord() {
      AcquiredRow row = acquiredRow;
      if (row != null) { // the row as the acquisition left it: no second round trip
        acquiredRow = null;
        commitSeq = row.commitSeq();
        loadedEmpty = row.empty();
        return row.commitSeq() == 0 ? null : new ActorRecord(row.storageBytes(), row.metadata());
      }
      long[] seq = new long[1];
      ActorRecord r = readWithSeq(seq);
      commitSeq = seq[0];
      loadedEmpty = false;
      return r;
    }

    @Override
    public boolean loadedEmpty() {
      return loadedEmpty;
    }

    private ActorRecord readWithSeq(long[] seq) {
      return read(c -> {
        try (PreparedStatement ps = c.prepareStatement(READ_RECORD_SQL)) {
          ps.setBytes(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
              return null;
            }
            seq[0] = rs.getLong(3);
            // A row with commit_seq 0 only records ownership (acquired, never written, or deleted).
            return seq[0] == 0 ? null : new ActorRecord(rs.getLong(1), rs.getBytes(2));
          }
        }
      }, "reading the record of " + quoted());
    }

    @Override
    public byte[] get(byte[] key) {
      return read(c -> {
        try (PreparedStatement ps = c.prepareStatement(GET_SQL)) {
          ps.setBytes(1, id);
          ps.setBytes(2, key);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
          }
        }
      }, "read of " + quoted());
    }

    /** Runs {@code select} (actor id, then an array of keys) and maps each key found to its column 2. */
    private <T> Map<java.nio.ByteBuffer, T> byKey(String select, List<byte[]> keys, ColumnReader<T> column, String what) {
      return read(c -> {
        try (PreparedStatement ps = c.prepareStatement(select)) {
          ps.setBytes(1, id);
          ps.setArray(2, byteaArray(c, keys));
          Map<java.nio.ByteBuffer, T> found = new HashMap<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.put(java.nio.ByteBuffer.wrap(rs.getBytes(1)), column.read(rs));
            }
          }
          return found;
        }
      }, what);
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
      Map<java.nio.ByteBuffer, byte[]> found = byKey(
          MULTI_GET_SQL, keys, rs -> rs.getBytes(2),
          "read of " + quoted());
      List<byte[]> out = new ArrayList<>(keys.size());
      for (byte[] k : keys) {
        byte[] v = found.get(java.nio.ByteBuffer.wrap(k));
        out.add(v == null ? null : v.clone()); // a key asked twice gets two arrays, as from RocksDB
      }
      return out;
    }

    @Override
    public int[] valueLengths(List<byte[]> keys) {
      Map<java.nio.ByteBuffer, Integer> found = byKey(
          LENGTHS_SQL, keys,
          rs -> rs.getInt(2), "read of " + quoted());
      int[] out = new int[keys.size()];
      for (int i = 0; i < out.length; i++) {
        Integer n = found.get(java.nio.ByteBuffer.wrap(keys.get(i)));
        out[i] = n == null ? -1 : n;
      }
      return out;
    }

    @Override
    public Cursor cursor(KeyRange range, boolean reverse, int firstFetch) {
      return new PageCursor(pool, id, range, reverse, firstFetch);
    }

    @Override
    public Alarm alarm(String name) {
      return read(c -> {
        try (PreparedStatement ps = c.prepareStatement(ALARM_SQL)) {
          ps.setBytes(1, id);
          ps.setBytes(2, utf8(name));
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? new Alarm(name, Instant.ofEpochMilli(rs.getLong(1)), rs.getBytes(2)) : null;
          }
        }
      }, "reading alarm of " + quoted());
    }

    @Override
    public Map<String, Alarm> alarms(java.util.Collection<String> names) {
      List<byte[]> keys = new ArrayList<>(names.size());
      for (String n : names) {
        keys.add(utf8(n));
      }
      return read(c -> {
        try (PreparedStatement ps = c.prepareStatement(ALARMS_NAMED_SQL)) {
          ps.setBytes(1, id);
          ps.setArray(2, byteaArray(c, keys));
          Map<String, Alarm> out = new HashMap<>();
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              Alarm a = alarmOf(rs.getBytes(1), rs.getLong(2), rs.getBytes(3));
              out.put(a.name(), a);
            }
          }
          return out;
        }
      }, "reading alarms of " + quoted());
    }

    @Override
    public List<Alarm> alarms() {
      return readAlarms(pool, id, "reading alarms of " + quoted());
    }

    @Override
    public int alarmCount() {
      return read(c -> {
        try (PreparedStatement ps = c.prepareStatement(ALARM_COUNT_SQL)) {
          ps.setBytes(1, id);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
          }
        }
      }, "counting alarms of " + quoted());
    }

    @Override
    public void commit(List<ActorBatch.Op> ops, List<AlarmWrite> alarms, ActorRecord record, boolean recordChanged) {
      commitInterruptible(ops, alarms, record, null, 0);
    }

    @Override
    public boolean countsInCommit() {
      return true;
    }

    /** The old sizes are read by the commit statement: the whole commit is one round trip. */
    @Override
    public CountedCommit commitCounting(List<ActorBatch.Op> ops, List<AlarmWrite> alarms, List<byte[]> unknownKeys,
        long storageIfAbsent, long ceiling, byte[] metadata) {
      return commitInterruptible(ops, alarms, new ActorRecord(storageIfAbsent, metadata), unknownKeys, ceiling);
    }

    private CountedCommit commitInterruptible(
        List<ActorBatch.Op> ops, List<AlarmWrite> alarms, ActorRecord record, List<byte[]> unknown, long ceiling) {
      boolean[] interrupted = {Thread.interrupted()}; // an interrupt would close a virtual thread's socket mid-commit: kept for the caller
      try {
        return commitOnce(ops, alarms, record, unknown, ceiling, interrupted);
      } finally {
        if (interrupted[0]) {
          Thread.currentThread().interrupt();
        }
      }
    }

    /**
     * One commit. {@code unknown} null: {@code record} is the new record. Otherwise {@code record}'s storage
     * is what the actor holds if none of {@code unknown} exists; the statement subtracts what they hold
     * and writes only within {@code ceiling}.
     */
    private CountedCommit commitOnce(List<ActorBatch.Op> ops, List<AlarmWrite> alarms, ActorRecord record,
        List<byte[]> unknown, long ceiling, boolean[] interrupted) {
      NetChanges net = NetChanges.of(ops);
      boolean counted = unknown != null;
      if (counted && !net.ranges().isEmpty()) {
        throw new IllegalArgumentException("a counted commit has no range delete");
      }
      long expected = commitSeq;
      String what = "commit of " + ops.size() + " changes for " + quoted();
      boolean ranges = !net.ranges().isEmpty();
      boolean deletes = !net.deletes().isEmpty();
      boolean puts = !net.putKeys().isEmpty();
      List<byte[]> alarmDeletes = new ArrayList<>();
      List<byte[]> alarmNames = new ArrayList<>();
      List<Long> alarmDues = new ArrayList<>();
      List<byte[]> alarmPayloads = new ArrayList<>();
      for (AlarmWrite a : alarms) {
        if (a.alarm() == null) {
          alarmDeletes.add(utf8(a.name()));
        } else {
          alarmNames.add(utf8(a.name()));
          alarmDues.add(a.alarm().dueMillis());
          alarmPayloads.add(a.alarm().payload());
        }
      }
      boolean onePut = !ranges && !deletes && alarms.isEmpty() && net.putKeys().size() == 1
          && (!counted || (unknown.size() == 1 && Arrays.equals(unknown.get(0), net.putKeys().get(0))));
      String sql = onePut ? onePutSql(counted)
          : commitSql(deletes, puts, counted, ranges, !alarmDeletes.isEmpty(), !alarmNames.isEmpty());
      // What a shared statement needs of this commit, when it is only puts and deletes.
      GroupCommits.@Nullable Rows rows = ranges || !alarms.isEmpty() ? null
          : new GroupCommits.Rows(id, expected, epoch, record.storageBytes(), record.metadata(),
              counted ? ceiling : Long.MAX_VALUE, counted ? unknown : List.of(), net.deletes(), net.putKeys(), net.putValues());
      GroupCommits.Statement statement = new GroupCommits.Statement() {
        @Override
        public String sql() {
          return sql;
        }

        @Override
        public boolean counted() {
          return counted;
        }

        @Override
        public GroupCommits.@Nullable Rows rows() {
          return rows;
        }

        @Override
        public int bind(Connection c, PreparedStatement ps, int first) throws SQLException {
          int i = first;
          if (counted) {
            ps.setBytes(i++, id);
            if (onePut) {
              ps.setBytes(i++, net.putKeys().get(0));
            } else {
              ps.setArray(i++, byteaArray(c, unknown));
            }
          }
          // The fence (UPSERT_ACTOR or UPSERT_ACTOR_COUNTED), the same in every shape.
          ps.setLong(i++, record.storageBytes());
          ps.setBytes(i++, record.metadata());
          ps.setBytes(i++, id);
          ps.setLong(i++, expected);
          ps.setLong(i++, epoch);
          if (counted) {
            ps.setLong(i++, record.storageBytes());
            ps.setLong(i++, ceiling);
          }
          if (onePut) {
            ps.setBytes(i++, id);
            ps.setBytes(i++, net.putKeys().get(0));
            ps.setBytes(i++, net.putValues().get(0));
            return i;
          }
          if (ranges) {
            List<byte[]> begins = new ArrayList<>(net.ranges().size());
            List<byte[]> ends = new ArrayList<>(net.ranges().size());
            for (byte[][] r : net.ranges()) {
              begins.add(r[0]);
              ends.add(r[1]);
            }
            ps.setArray(i++, byteaArray(c, begins));
            ps.setArray(i++, byteaArray(c, ends));
            ps.setBytes(i++, id);
            List<byte[]> single = new ArrayList<>(net.putKeys());
            single.addAll(net.deletes());
            ps.setArray(i++, byteaArray(c, single));
          }
          if (deletes) {
            ps.setBytes(i++, id);
            ps.setArray(i++, byteaArray(c, net.deletes()));
          }
          if (puts) {
            ps.setBytes(i++, id);
            ps.setArray(i++, byteaArray(c, net.putKeys()));
            ps.setArray(i++, byteaArray(c, net.putValues()));
          }
          if (!alarmDeletes.isEmpty()) {
            ps.setBytes(i++, id);
            ps.setArray(i++, byteaArray(c, alarmDeletes));
          }
          if (!alarmNames.isEmpty()) {
            ps.setBytes(i++, id);
            ps.setArray(i++, byteaArray(c, alarmNames));
            ps.setArray(i++, c.createArrayOf("bigint", alarmDues.toArray(new Long[0])));
            ps.setArray(i++, byteaArray(c, alarmPayloads));
          }
          return i;
        }
      };
      GroupCommits.Outcome outcome = commits.commit(statement, interrupted);
      if (outcome instanceof GroupCommits.Outcome.Alone) {
        outcome = commits.alone(statement, interrupted); // its group failed and wrote nothing: this one alone
      }
      switch (outcome) {
        case GroupCommits.Outcome.Ran(long landed, long stored) -> {
          if (landed < 0) {
            if (counted && record.storageBytes() - stored > ceiling) {
              return new CountedCommit(stored, false); // over the store's limit: the fence wrote nothing
            }
            StoreException refused;
            try (Connection c = GroupCommits.connectionDespiteInterrupts(dataSource, interrupted)) {
              refused = refusal(c, what);
            } catch (SQLException e) {
              throw new StoreException(what + " was refused, and why could not be read (" + e.getMessage()
                  + "); nothing was written", e);
            }
            throw refused;
          }
          commitSeq = landed;
          return new CountedCommit(stored, true);
        }
        case GroupCommits.Outcome.Lost(SQLException e) -> {
          long storage = resolve(expected, what, e, interrupted);
          // Landed: the row holds this commit's storage, so the old sizes are what it subtracted.
          return new CountedCommit(counted ? record.storageBytes() - storage : 0, true);
        }
        case GroupCommits.Outcome.Failed(SQLException e) -> throw new StoreException(what + " failed: " + e.getMessage(), e);
        case GroupCommits.Outcome.Alone() -> throw new IllegalStateException("a commit sent alone is never told to go alone");
      }
    }

    /** Why the fence updated no row: a newer epoch (fenced), or a commit sequence that moved. */
    private StoreException refusal(Connection c, String what) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(HOLDER_SQL)) {
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next() || rs.getLong(3) != epoch) {
            return fenced(what + " refused; nothing was written");
          }
        }
      }
      return concurrent(what);
    }

    private ActorFencedException fenced(String detail) {
      fenced = true;
      held.remove(actorId, this);
      return new ActorFencedException(actorId, epoch, detail);
    }

    private ConcurrentCommitException concurrent(String what) {
      return new ConcurrentCommitException(what + " refused: the actor was written elsewhere since this store"
          + " loaded it; nothing was written");
    }

    /**
     * Learns whether a commit whose connection broke after it was sent landed, from the actor's commit
     * sequence, and fences it: when it had not landed, this bumps the sequence itself (or creates the
     * row), so that the statement can no longer land later (it still waits in the network or the
     * server) under the old expected sequence. Returns normally when the commit landed; throws when it
     * did not, or when the database cannot be reached to tell.
     */
    private long resolve(long expected, String what, SQLException cause, boolean[] interrupted) {
      // An interrupt is the usual way here on a virtual thread (interrupting one closes the socket it is
      // blocked on); it must not also stop the resolution, or a commit's outcome would stay unknown only
      // because the pool refuses to hand out a connection to an interrupted thread. Like the interrupts
      // of the commit itself, it is kept in interrupted[0] for commit() to restore.
      if (Thread.interrupted()) {
        interrupted[0] = true;
      }
      SQLException last = cause;
      for (int attempt = 0; attempt < 20; attempt++) {
        try (Connection c = dataSource.getConnection()) {
          long fenced = fence(c, expected);
          if (fenced > 0) {
            commitSeq = fenced;
            throw new StoreException(what + " failed: the connection was lost before it landed (" + cause.getMessage()
                + "); nothing was written", cause);
          }
          long[] row = currentSeq(c);
          if (row[1] != epoch) {
            // Taken over: the commit cannot land any more, but it may have before the takeover.
            throw fenced(what + ": the connection was lost while it was in flight (" + cause.getMessage()
                + ") and whether it landed before the takeover is unknown");
          }
          if (row[0] == expected + 1) {
            commitSeq = row[0]; // it landed: the commit succeeded
            return row[2];
          }
          throw concurrent(what);
        } catch (SQLException e) {
          last = e;
          if (Thread.interrupted()) {
            interrupted[0] = true; // another interrupt arrived meanwhile: the resolution goes on
          }
          try {
            Thread.sleep(Math.min(1000, 50L << Math.min(attempt, 5)));
          } catch (InterruptedException ie) {
            interrupted[0] = true;
          }
        }
      }
      throw new CommitOutcomeUnknownException(what + ": the connection was lost while it"
          + " was in flight and " + location + " could not be reached again to learn whether it landed (" + last.getMessage()
          + ")", cause);
    }

    /** Bumps the sequence from {@code expected}; returns the new sequence, or 0 when it was not {@code expected}. */
    private long fence(Connection c, long expected) throws SQLException {
      String sql = "UPDATE actorkv.actors SET commit_seq = commit_seq + 1 WHERE actor_id = ? AND commit_seq = ?"
          + " AND owner_epoch = ? RETURNING commit_seq";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setBytes(1, id);
        ps.setLong(2, expected);
        ps.setLong(3, epoch);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0;
        }
      }
    }

    /** The row's commit sequence, owner epoch and storage count ({0, 0, 0} without a row). */
    private long[] currentSeq(Connection c) throws SQLException {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT commit_seq, owner_epoch, storage_bytes FROM actorkv.actors WHERE actor_id = ?")) {
        ps.setBytes(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)} : new long[3];
        }
      }
    }

    @Override
    public void writeRecord(ActorRecord record) {
      String what = "writing the record of " + quoted();
      long seq = pooled(c -> {
        try (PreparedStatement ps = c.prepareStatement("""
            UPDATE actorkv.actors AS t SET commit_seq = t.commit_seq + 1, storage_bytes = ?, metadata = ?::bytea
            WHERE t.actor_id = ? AND t.owner_epoch = ?
            RETURNING t.commit_seq""")) {
          ps.setLong(1, record.storageBytes());
          ps.setBytes(2, record.metadata());
          ps.setBytes(3, id);
          ps.setLong(4, epoch);
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1L;
          }
        }
      }, what);
      if (seq < 0) {
        throw fenced(what + " refused; nothing was written");
      }
      commitSeq = seq;
    }

    @Override
    public void deleteAll() {
      pooled(c -> {
        c.setAutoCommit(false);
        // The row stays (its epoch must never go back), without a record: commit_seq 0. Updated first: its
        // row lock fences the delete against a takeover.
        try (PreparedStatement row = c.prepareStatement("UPDATE actorkv.actors SET commit_seq = 0, storage_bytes = 0,"
                + " metadata = NULL WHERE actor_id = ? AND owner_epoch = ?");
            PreparedStatement kv = c.prepareStatement("DELETE FROM actorkv.kv WHERE actor_id = ?");
            PreparedStatement alarms = c.prepareStatement("DELETE FROM actorkv.alarms WHERE actor_id = ?")) {
          row.setBytes(1, id);
          row.setLong(2, epoch);
          if (row.executeUpdate() == 0) {
            c.rollback();
            throw fenced("delete of " + quoted() + " refused; nothing was deleted");
          }
          kv.setBytes(1, id);
          kv.executeUpdate();
          alarms.setBytes(1, id);
          alarms.executeUpdate();
          c.commit();
        } catch (ActorFencedException e) {
          throw e;
        } catch (SQLException | RuntimeException e) {
          c.rollback();
          throw e;
        } finally {
          c.setAutoCommit(true);
        }
        return null;
      }, "delete of " + quoted());
      commitSeq = 0;
    }
  }

  /** Reads one column of the current row. */
  interface ColumnReader<T> {
    T read(ResultSet rs) throws SQLException;
  }

  // ------------------------------------------------------------------ cursors and snapshots

  /**
   * Iterates a range in pages of keys: each page is one indexed query that starts after the last key of
   * the page before, so memory is bounded and no connection is held between pages.
   */
  static final class PageCursor implements Cursor {
    private final Queries queries;
    private final byte[] id;
    private final byte[] begin;
    private final byte[] end;
    private final boolean reverse;
    private int fetch;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private int pos;
    private boolean exhausted;
    /** Last key returned by the previous page: the next page starts after it. */
    private byte[] last;

    PageCursor(Queries queries, byte[] id, KeyRange range, boolean reverse, int firstFetch) {
      this.queries = queries;
      this.id = id;
      this.begin = begin(range);
      this.end = end(range);
      this.reverse = reverse;
      this.fetch = Math.max(1, Math.min(firstFetch, PAGE));
      this.exhausted = begin == null || Arrays.compareUnsigned(begin, end) >= 0;
    }

    @Override
    public boolean valid() {
      if (pos < keys.size()) {
        return true;
      }
      if (exhausted) {
        return false;
      }
      fetchPage(false);
      return pos < keys.size();
    }

    /** The next page of keys and values (or value lengths, stored as 4-byte arrays, when {@code sizes}). */
    private void fetchPage(boolean sizes) {
      keys.clear();
      values.clear();
      pos = 0;
      String sql = rangeSql(reverse, last != null, sizes);
      int n = fetch;
      queries.run(c -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setBytes(1, id);
          ps.setBytes(2, reverse || last == null ? begin : last);
          ps.setBytes(3, reverse && last != null ? last : end);
          ps.setInt(4, n);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              keys.add(rs.getBytes(1));
              values.add(sizes ? intBytes(rs.getInt(2)) : rs.getBytes(2));
            }
          }
        }
        return null;
      }, "range read");
      if (keys.size() < n) {
        exhausted = true;
      }
      if (!keys.isEmpty()) {
        last = keys.getLast();
      }
      fetch = PAGE;
    }

    private static byte[] intBytes(int v) {
      return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static int intOf(byte[] b) {
      return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    @Override
    public byte[] key() {
      return keys.get(pos).clone();
    }

    @Override
    public byte[] value() {
      return values.get(pos).clone();
    }

    @Override
    public void next() {
      pos++;
    }

    /** Fetches lengths only (the values stay in the database), in full pages. */
    @Override
    public void forEachSize(boolean withKeys, SizeConsumer consumer) {
      for (; pos < keys.size(); pos++) { // what an earlier page already holds
        consumer.accept(withKeys ? keys.get(pos) : null, keys.get(pos).length, values.get(pos).length);
      }
      fetch = PAGE;
      while (!exhausted) {
        fetchPage(true);
        for (; pos < keys.size(); pos++) {
          consumer.accept(withKeys ? keys.get(pos) : null, keys.get(pos).length, intOf(values.get(pos)));
        }
      }
    }

    @Override
    public void close() {
      keys.clear();
      values.clear();
      exhausted = true;
    }
  }

  /**
   * A REPEATABLE READ, read-only transaction on a connection of its own, held until closed: every query
   * through it sees the database as of its first statement.
   */
  private final class Snapshot implements EngineSnapshot, Queries {
    private final Connection connection;
    private boolean closed;

    Snapshot(Connection connection) throws SQLException {
      this.connection = connection;
      try {
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        connection.setReadOnly(true);
        try (Statement s = connection.createStatement()) {
          s.execute("SELECT 1"); // takes the snapshot now
        }
      } catch (SQLException e) {
        connection.close();
        throw e;
      }
    }

    @Override
    public synchronized <T> T run(Work<T> work, String what) {
      if (closed) {
        throw new StoreException("snapshot is closed");
      }
      try {
        return work.run(connection);
      } catch (SQLException e) {
        throw new StoreException(what + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    public Cursor cursor(String actorId, KeyRange range, boolean reverse, int firstFetch) {
      return new PageCursor(this, utf8(actorId), range, reverse, firstFetch);
    }

    @Override
    public List<Alarm> alarms(String actorId) {
      return readAlarms(this, utf8(actorId), "reading alarms of actor " + actorId + " in a snapshot");
    }

    @Override
    public byte[] metadata(String actorId) {
      return run(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT metadata FROM actorkv.actors WHERE actor_id = ? AND commit_seq > 0")) {
          ps.setBytes(1, utf8(actorId));
          try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getBytes(1) : null;
          }
        }
      }, "reading the record of actor " + actorId + " in a snapshot");
    }

    @Override
    public List<String> actorIds() {
      return run(c -> {
        try (PreparedStatement ps = c.prepareStatement("SELECT actor_id FROM actorkv.actors WHERE commit_seq > 0 ORDER BY actor_id")) {
          return actorIdList(ps);
        }
      }, "listing actors");
    }

    @Override
    public synchronized void close() {
      if (closed) {
        return;
      }
      closed = true;
      try (connection) {
        connection.rollback();
      } catch (SQLException e) {
        // a read-only transaction: nothing to lose; the pool discards a broken connection
      }
    }
  }
}
