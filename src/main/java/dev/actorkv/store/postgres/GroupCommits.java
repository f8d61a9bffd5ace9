package dev.actorkv.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Group commit: the commit statements of different actors that arrive while every slot is busy wait in a
 * queue, and the commit that frees a slot hands the whole queue to one of them, which sends them as one
 * multi-statement query: one Sync, so one round trip and one (implicit) transaction with one WAL flush.
 * Leader/follower, no timer: a commit that finds a free slot is sent at once, alone, in the same statement
 * as without grouping.
 *
 * <p>Each statement keeps its own fence (commit sequence and owner epoch in its {@code WHERE}): a fenced
 * or over-the-limit actor's statement updates no row and so writes nothing of it, without an error, and
 * the others of the group land. A statement that fails with an error rolls the whole group back (nothing
 * of it landed, the connection still answering): every member is then told {@link Outcome.Alone} and
 * commits on its own, so only the failing one sees its error. A connection lost while the group was in
 * flight is {@link Outcome.Lost} for every member, each resolving its own outcome from its commit sequence.
 */
final class GroupCommits {
  /** The most statements one group sends. */
  static final int MAX_GROUP = 64;

  /** One actor's commit statement. */
  interface Statement {
    String sql();

    /** Binds this statement's parameters from {@code first}; returns the index after the last. */
    int bind(Connection c, PreparedStatement ps, int first) throws SQLException;

    /** Whether the statement answers the old sizes in a second column. */
    boolean counted();
  }

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
  private final Object lock = new Object();
  /** Commits waiting for a slot, oldest first; non-empty only while every slot is in flight. Guarded by lock. */
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  /** Groups being sent. Guarded by lock. */
  private int inFlight;
  /** Transactions sent and statements in them, since the engine opened (for tests and diagnostics). */
  private long groups;
  private long statements;

  GroupCommits(DataSource dataSource, Predicate<SQLException> connectionLost, int slots) {
    this.dataSource = dataSource;
    this.connectionLost = connectionLost;
    this.slots = slots;
  }

  /** Transactions sent so far (a group is one). */
  long transactions() {
    synchronized (lock) {
      return groups;
    }
  }

  /** Commits waiting for a slot now. */
  int waiting() {
    synchronized (lock) {
      return queue.size();
    }
  }

  /** Commit statements sent so far. */
  long statements() {
    synchronized (lock) {
      return statements;
    }
  }

  /**
   * Sends {@code statement} now, or with the group it joins while every slot is busy, and answers its
   * outcome. Waits uninterruptibly (a statement may already be on its way): interrupts are kept in
   * {@code interrupted[0]}.
   */
  Outcome commit(Statement statement, boolean[] interrupted) {
    Pending me = new Pending(statement);
    List<Pending> group;
    synchronized (lock) {
      if (inFlight < slots) {
        inFlight++;
        group = List.of(me);
      } else {
        queue.add(me);
        group = null;
      }
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
    synchronized (lock) {
      if (queue.isEmpty()) {
        inFlight--;
        return;
      }
      next = new ArrayList<>(Math.min(queue.size(), MAX_GROUP));
      while (!queue.isEmpty() && next.size() < MAX_GROUP) {
        next.add(queue.poll());
      }
      leader = next.get(0);
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
    String sql;
    if (group.size() == 1) {
      sql = group.get(0).statement.sql();
    } else {
      StringBuilder b = new StringBuilder();
      for (Pending p : group) {
        b.append(b.isEmpty() ? "" : ";\n").append(p.statement.sql());
      }
      sql = b.toString();
    }
    Connection c;
    try {
      c = connectionDespiteInterrupts(dataSource, interrupted);
    } catch (SQLException e) {
      Arrays.fill(out, new Outcome.Failed(e));
      return out;
    }
    boolean sent = false;
    try (c; PreparedStatement ps = c.prepareStatement(sql)) {
      int i = 1;
      for (Pending p : group) {
        i = p.statement.bind(c, ps, i);
      }
      synchronized (lock) {
        groups++;
        statements += group.size();
      }
      sent = true; // in autocommit mode the statements up to the one Sync are one transaction
      ps.execute();
      for (int k = 0; k < out.length; k++) {
        if (k > 0) {
          ps.getMoreResults();
        }
        try (ResultSet rs = ps.getResultSet()) {
          out[k] = row(rs, group.get(k).statement.counted());
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
    /** Guarded by this. */
    private Outcome outcome;
    private List<Pending> group;

    Pending(Statement statement) {
      this.statement = statement;
    }

    synchronized Outcome outcome() {
      return outcome;
    }

    synchronized void finish(Outcome o) {
      outcome = o;
      notifyAll();
    }

    synchronized void lead(List<Pending> g) {
      group = g;
      notifyAll();
    }

    /** The group to send when this commit leads one, or null once its outcome is known. */
    synchronized List<Pending> awaitOutcomeOrGroup(boolean[] interrupted) {
      while (outcome == null && group == null) {
        try {
          wait();
        } catch (InterruptedException e) {
          interrupted[0] = true;
        }
      }
      return outcome == null ? group : null;
    }
  }
}
