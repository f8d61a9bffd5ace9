package dev.actorkv.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * Group commit: the commits of different actors that arrive while every slot is busy wait in a queue, and
 * the commit that frees a slot hands the whole queue to one of them, which sends them together: one Sync,
 * so one round trip and one (implicit) transaction. Leader/follower, no timer: a commit that finds a free
 * slot is sent at once, alone.
 *
 * <p>The commits of only puts and deletes, the common case, go in one statement ({@link #ROWS_SQL}) with
 * their data as arrays, so the server parses, plans and starts one statement for all of them; a commit
 * with a range delete or an alarm sends its own statement behind it, in the same transaction.
 *
 * <p>Each commit keeps its own fence (commit sequence and owner epoch) and storage ceiling: a fenced or
 * over-the-limit actor's row is not updated and nothing of it is written, without an error, and the others
 * of the group land. A statement that fails with an error rolls the whole group back (nothing of it landed,
 * the connection still answering): every member is then told {@link Outcome.Alone} and commits on its own,
 * so only the failing one sees its error. A connection lost while the group was in flight is {@link
 * Outcome.Lost} for every member, each resolving its own outcome from its commit sequence.
 */
final class GroupCommits {
  /** The most commits one group sends. */
  static final int MAX_GROUP = 64;

  /** One actor's commit statement. */
  interface Statement {
    String sql();

    /** Binds this statement's parameters from {@code first}; returns the index after the last. */
    int bind(Connection c, PreparedStatement ps, int first) throws SQLException;

    /** Whether the statement answers the old sizes in a second column. */
    boolean counted();

    /** What the commit writes when it is only puts and deletes (it can then share one statement), or null. */
    @Nullable Rows rows();
  }

  /**
   * A commit of only puts and deletes, as data: the commits of a group that are such go in one statement
   * ({@link #ROWS_SQL}), which costs the server one statement's overhead for all of them. The fence and
   * the storage count are the single statement's: {@code unknown} are the keys whose old sizes the
   * statement subtracts from {@code storage}, and the row is updated only within {@code ceiling}.
   */
  record Rows(byte[] actorId, long expected, long epoch, long storage, byte @Nullable [] metadata, long ceiling,
      List<byte[]> unknown, List<byte[]> deletes, List<byte[]> putKeys, List<byte[]> putValues) {}

  /**
   * The commits of several actors in one statement; parameters are arrays, one element per member ({@code
   * i} its index, then actor id, expected commit sequence, epoch, storage, metadata, ceiling), then (member,
   * key) pairs of the keys whose old sizes count, of the deletes, and (member, key, value) of the puts. Each
   * member's row is updated only under its own fence, and only those members' keys are written. Answers one
   * row per member: its index, its new commit sequence (null: its fence wrote nothing) and the old sizes.
   */
  static final String ROWS_SQL = """
      WITH m AS (
        SELECT * FROM unnest(?::int[], ?::bytea[], ?::bigint[], ?::bigint[], ?::bigint[], ?::bytea[], ?::bigint[])
          AS m(i, actor_id, expected, epoch, storage, metadata, ceiling)),
      o AS (
        SELECT m.i, coalesce(sum(octet_length(k.key) + octet_length(k.value)), 0)::bigint AS stored
        FROM m LEFT JOIN (SELECT DISTINCT * FROM unnest(?::int[], ?::bytea[]) AS u(i, key)) AS u ON u.i = m.i
          LEFT JOIN actorkv.kv AS k ON k.actor_id = m.actor_id AND k.key = u.key
        GROUP BY m.i),
      a AS (
        UPDATE actorkv.actors AS t SET commit_seq = t.commit_seq + 1, storage_bytes = m.storage - o.stored,
          metadata = m.metadata
        FROM m JOIN o ON o.i = m.i
        WHERE t.actor_id = m.actor_id AND t.commit_seq = m.expected AND t.owner_epoch = m.epoch
          AND m.storage - o.stored <= m.ceiling
        RETURNING m.i, m.actor_id, t.commit_seq),
      d AS (
        DELETE FROM actorkv.kv AS k USING unnest(?::int[], ?::bytea[]) AS x(i, key), a
        WHERE a.i = x.i AND k.actor_id = a.actor_id AND k.key = x.key),
      p AS (
        INSERT INTO actorkv.kv (actor_id, key, value)
        SELECT a.actor_id, x.key, x.value FROM unnest(?::int[], ?::bytea[], ?::bytea[]) AS x(i, key, value) JOIN a ON a.i = x.i
        ON CONFLICT (actor_id, key) DO UPDATE SET value = EXCLUDED.value)
      SELECT o.i, a.commit_seq, o.stored FROM o LEFT JOIN a ON a.i = o.i ORDER BY o.i""";

  /** What became of one statement. */
  sealed interface Outcome {
    /** The statement ran and the group landed: the new commit sequence or -1 (the fence wrote nothing), and the old sizes. */
    record Ran(long landed, long stored) implements Outcome {}

    /** The connection was lost once the group may have been sent: whether it landed is for the actor to learn. */
    record Lost(SQLException cause) implements Outcome {}

    /** Nothing was sent (no connection): nothing landed. */
    record Failed(SQLException cause) implements Outcome {}

    /** The group failed with an error and wrote nothing: commit again, alone. */
    record Alone() implements Outcome {}
  }

  private final DataSource dataSource;
  private final Predicate<SQLException> connectionLost;
  private final int slots;
  private final ReentrantLock lock = new ReentrantLock();
  /** Commits waiting for a slot, oldest first; non-empty only while every slot is in flight. Guarded by lock. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Groups being sent. Guarded by lock. */
  private int inFlight;
  /** Transactions sent, and the commits in them, since the engine opened (for tests and diagnostics). */
  private final AtomicLong groups = new AtomicLong();
  private final AtomicLong statements = new AtomicLong();

  GroupCommits(DataSource dataSource, Predicate<SQLException> connectionLost, int slots) {
    this.dataSource = dataSource;
    this.connectionLost = connectionLost;
    this.slots = slots;
  }

  /** Transactions sent so far (a group is one). */
  long transactions() {
    return groups.get();
  }

  /** Commits waiting for a slot now. */
  int waiting() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Commit statements sent so far. */
  long statements() {
    return statements.get();
  }

  /**
   * Sends {@code statement} now, or with the group it joins while every slot is busy, and answers its
   * outcome. Waits uninterruptibly (a statement may already be on its way): interrupts are kept in
   * {@code interrupted[0]}.
   */
  Outcome commit(Statement statement, boolean[] interrupted) {
    Pending me = new Pending(statement);
    List<Pending> group;
    lock.lock();
    try {
      if (inFlight < slots) {
        inFlight++;
        group = List.of(me);
      } else {
        queue.add(me);
        group = null;
      }
    } finally {
      lock.unlock();
    }
    if (group == null) {
      group = me.awaitOutcomeOrGroup(interrupted);
    }
    if (group != null) {
      try {
        send(group, interrupted);
      } finally {
        handOver(); // whatever became of this group, the slot goes on: no waiting commit is left behind
      }
    }
    return me.outcome();
  }

  /** Commits {@code statement} alone now, outside the queue (after its group failed). */
  Outcome alone(Statement statement, boolean[] interrupted) {
    Pending me = new Pending(statement);
    send(List.of(me), interrupted);
    return me.outcome();
  }

  /** The slot goes to the oldest waiting commit, leading all that wait (up to MAX_GROUP); or is freed. */
  private void handOver() {
    Pending leader;
    List<Pending> next;
    lock.lock();
    try {
      if (queue.isEmpty()) {
        inFlight--;
        return;
      }
      next = new ArrayList<>(Math.min(queue.size(), MAX_GROUP));
      while (!queue.isEmpty() && next.size() < MAX_GROUP) {
        next.add(queue.poll());
      }
      leader = next.get(0);
    } finally {
      lock.unlock();
    }
    leader.lead(next);
  }

  private void send(List<Pending> group, boolean[] interrupted) {
    Outcome[] outcomes;
    try {
      outcomes = run(group, interrupted);
    } catch (RuntimeException | Error e) {
      // Not the database's answer (a bug or an exhausted JVM while binding or reading): the members must
      // still hear of it, or they would wait for ever. Whether anything landed is theirs to learn.
      outcomes = new Outcome[group.size()];
      Arrays.fill(outcomes, new Outcome.Lost(new SQLException("the commit failed in this process: " + e, e)));
    }
    for (int i = 0; i < group.size(); i++) {
      group.get(i).finish(outcomes[i]);
    }
  }

  private Outcome[] run(List<Pending> group, boolean[] interrupted) {
    Outcome[] out = new Outcome[group.size()];
    // Members that are only puts and deletes share one statement when there are two or more of them; the
    // rest (range deletes, alarms) send their own statements behind it, in the same transaction. A commit
    // alone sends its own statement, whose shape fits it (one put: no arrays, a plan the server keeps).
    List<Integer> shared = new ArrayList<>();
    List<Integer> own = new ArrayList<>();
    for (int k = 0; k < group.size(); k++) {
      (group.get(k).statement.rows() != null ? shared : own).add(k);
    }
    if (shared.size() == 1) {
      own.add(0, shared.remove(0));
    }
    StringBuilder b = new StringBuilder(shared.isEmpty() ? "" : ROWS_SQL);
    for (int k : own) {
      b.append(b.isEmpty() ? "" : ";\n").append(group.get(k).statement.sql());
    }
    Connection c;
    try {
      c = connectionDespiteInterrupts(dataSource, interrupted);
    } catch (SQLException e) {
      Arrays.fill(out, new Outcome.Failed(e));
      return out;
    }
    boolean sent = false;
    try (c; PreparedStatement ps = c.prepareStatement(b.toString())) {
      int i = 1;
      if (!shared.isEmpty()) {
        List<Rows> rows = new ArrayList<>(shared.size());
        for (int k : shared) {
          rows.add(group.get(k).statement.rows());
        }
        i = bindRows(c, ps, i, rows);
      }
      for (int k : own) {
        i = group.get(k).statement.bind(c, ps, i);
      }
      groups.incrementAndGet();
      statements.addAndGet(group.size());
      sent = true; // in autocommit mode the statements up to the one Sync are one transaction
      ps.execute();
      boolean first = true;
      if (!shared.isEmpty()) {
        first = false;
        try (ResultSet rs = ps.getResultSet()) {
          while (rs.next()) {
            int member = rs.getInt(1);
            long landed = rs.getLong(2);
            boolean refused = rs.wasNull(); // the fence wrote nothing of this member
            out[shared.get(member)] = new Outcome.Ran(refused ? -1 : landed, rs.getLong(3));
          }
        }
      }
      for (int k : own) {
        if (!first) {
          ps.getMoreResults();
        }
        first = false;
        try (ResultSet rs = ps.getResultSet()) {
          out[k] = row(rs, group.get(k).statement.counted());
        }
      }
      for (int k = 0; k < out.length; k++) {
        if (out[k] == null) { // not answered: the fence cannot have let it through unseen, so say so
          out[k] = new Outcome.Lost(new SQLException("the commit group's answer has no row for one of its commits"));
        }
      }
      return out;
    } catch (SQLException e) {
      Outcome each;
      if (sent && connectionLost.test(e)) {
        each = new Outcome.Lost(e);
      } else if (group.size() > 1) {
        each = new Outcome.Alone(); // rolled back at the Sync: no member wrote anything
      } else {
        each = new Outcome.Failed(e); // its own error: nothing of it landed
      }
      Arrays.fill(out, each);
      return out;
    }
  }

  /** Binds {@link #ROWS_SQL} for {@code rows} from parameter {@code first}; returns the index after the last. */
  private static int bindRows(Connection c, PreparedStatement ps, int first, List<Rows> rows) throws SQLException {
    int n = rows.size();
    Integer[] index = new Integer[n];
    byte[][] ids = new byte[n][];
    Long[] expected = new Long[n];
    Long[] epochs = new Long[n];
    Long[] storage = new Long[n];
    byte[][] metadata = new byte[n][];
    Long[] ceilings = new Long[n];
    List<Integer> unknownOf = new ArrayList<>();
    List<byte[]> unknown = new ArrayList<>();
    List<Integer> deleteOf = new ArrayList<>();
    List<byte[]> deletes = new ArrayList<>();
    List<Integer> putOf = new ArrayList<>();
    List<byte[]> putKeys = new ArrayList<>();
    List<byte[]> putValues = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Rows r = rows.get(k);
      index[k] = k;
      ids[k] = r.actorId();
      expected[k] = r.expected();
      epochs[k] = r.epoch();
      storage[k] = r.storage();
      metadata[k] = r.metadata();
      ceilings[k] = r.ceiling();
      for (byte[] key : r.unknown()) {
        unknownOf.add(k);
        unknown.add(key);
      }
      for (byte[] key : r.deletes()) {
        deleteOf.add(k);
        deletes.add(key);
      }
      putOf.addAll(java.util.Collections.nCopies(r.putKeys().size(), k));
      putKeys.addAll(r.putKeys());
      putValues.addAll(r.putValues());
    }
    int i = first;
    ps.setArray(i++, c.createArrayOf("int4", index));
    ps.setArray(i++, c.createArrayOf("bytea", ids));
    ps.setArray(i++, c.createArrayOf("int8", expected));
    ps.setArray(i++, c.createArrayOf("int8", epochs));
    ps.setArray(i++, c.createArrayOf("int8", storage));
    ps.setArray(i++, c.createArrayOf("bytea", metadata));
    ps.setArray(i++, c.createArrayOf("int8", ceilings));
    ps.setArray(i++, c.createArrayOf("int4", unknownOf.toArray(new Integer[0])));
    ps.setArray(i++, c.createArrayOf("bytea", unknown.toArray(new byte[0][])));
    ps.setArray(i++, c.createArrayOf("int4", deleteOf.toArray(new Integer[0])));
    ps.setArray(i++, c.createArrayOf("bytea", deletes.toArray(new byte[0][])));
    ps.setArray(i++, c.createArrayOf("int4", putOf.toArray(new Integer[0])));
    ps.setArray(i++, c.createArrayOf("bytea", putKeys.toArray(new byte[0][])));
    ps.setArray(i++, c.createArrayOf("bytea", putValues.toArray(new byte[0][])));
    return i;
  }

  private static Outcome row(ResultSet rs, boolean counted) throws SQLException {
    if (!rs.next()) {
      return new Outcome.Ran(-1, 0);
    }
    long landed = rs.getLong(1);
    if (rs.wasNull()) {
      landed = -1;
    }
    return new Outcome.Ran(landed, counted ? rs.getLong(2) : 0);
  }

  /**
   * A pooled connection, also for a thread interrupted meanwhile (the commit cleared the flag it came
   * with; one that arrives later makes the pool refuse): nothing has been sent yet, so the commit goes
   * on, and {@code interrupted[0]} keeps the interrupt for the caller to restore once it is over (set
   * now, it would close a virtual thread's socket at the first statement).
   */
  static Connection connectionDespiteInterrupts(DataSource dataSource, boolean[] interrupted) throws SQLException {
    for (int attempt = 0; ; attempt++) {
      try {
        return dataSource.getConnection();
      } catch (SQLException e) {
        if (!Thread.interrupted() || attempt >= 3) {
          throw e;
        }
        interrupted[0] = true;
      }
    }
  }

  /** One commit waiting for its outcome, or to lead a group. */
  private static final class Pending {
    final Statement statement;
    /** The thread committing it: the one that waits for it. */
    private final Thread waiter = Thread.currentThread();
    /**
     * Set once, by the thread that sent it; then the waiter is unparked. Park and unpark rather than a
     * monitor: many commits wait at once, and a monitor's spinning would cost them CPU.
     */
    private volatile @Nullable Outcome outcome;
    /** Set once when this commit is to lead a group. */
    private volatile @Nullable List<Pending> group;

    Pending(Statement statement) {
      this.statement = statement;
    }

    Outcome outcome() {
      return outcome;
    }

    void finish(Outcome o) {
      outcome = o;
      LockSupport.unpark(waiter);
    }

    void lead(List<Pending> g) {
      group = g;
      LockSupport.unpark(waiter);
    }

    /** The group to send when this commit leads one, or null once its outcome is known. */
    @Nullable List<Pending> awaitOutcomeOrGroup(boolean[] interrupted) {
      while (outcome == null && group == null) {
        LockSupport.park(this);
        if (Thread.interrupted()) {
          interrupted[0] = true; // kept for the caller: the commit may already be on its way
        }
      }
      return outcome == null ? group : null;
    }
  }
}
