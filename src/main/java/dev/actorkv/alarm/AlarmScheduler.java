package dev.actorkv.alarm;

import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.DueAlarm;
import dev.actorkv.store.ReadOnlyStoreException;
import dev.actorkv.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Delivers the durable alarms of an {@link ActorStore} (issue 20): the runtime starts it with a
 * {@link Handler}, and it calls the handler for each alarm once it is due, found through the store-wide
 * due-time index (never a scan of actors), on one thread for the whole store, not one per actor.
 *
 * <ul>
 *   <li><b>At least once.</b> Before its handler runs, a due alarm is claimed: moved to its retry time
 *       (the backoff below) by a conditional write through the actor's fence. After the handler returned
 *       it is deleted, only when it is still the alarm claimed ({@link ActorKeyspace#compareAndSetAlarm}):
 *       one the handler or anyone else set again meanwhile is kept and delivered at its new time. A process
 *       that dies between the claim and the delete delivers it again at the retry time, after a restart;
 *       handlers must be idempotent. The handler gets the alarm as it was due, not as claimed.
 *   <li><b>Retries.</b> A handler that throws is retried with exponential backoff (initial, doubled per
 *       failure, capped at the maximum): the claim already moved the alarm's due time, durably, so a
 *       restart keeps the retry time (the doubling itself starts again from the initial backoff in a new
 *       process).
 *   <li><b>After a restart</b> everything that fell due while no scheduler ran is due now and delivered in
 *       the first round.
 *   <li><b>Waking.</b> It sleeps until the next due alarm, at most the poll interval (alarms set by other
 *       processes are seen within it), and wakes at once when a commit of this process sets an alarm due
 *       earlier than what it sleeps for ({@link ActorStore#watchAlarms}).
 *   <li><b>Ownership.</b> It delivers through the store's actor handle ({@link ActorStore#actor(String)}):
 *       on PostgreSQL that takes the actor when nobody owns it; an actor another node owns is skipped
 *       (its owner's scheduler delivers it), and a handle that lost the actor delivers nothing: its claim
 *       is refused by the epoch fence before the handler runs.
 * </ul>
 */
public final class AlarmScheduler implements AutoCloseable {
  /** Receives a due alarm of {@code actor}; throwing means "not delivered": the alarm is retried later. */
  @FunctionalInterface
  public interface Handler {
    void deliver(ActorKeyspace actor, Alarm alarm) throws Exception;
  }

  /** What one {@link #runDue()} round did. */
  public record Round(int delivered, int failed, int skipped) {}

  private final ActorStore store;
  private final Handler handler;
  private final AlarmSchedulerOptions options;
  /** The executor running the rounds; null for a {@link #manual} scheduler. */
  private final ScheduledExecutorService executor;
  private final boolean ownExecutor;
  /** Serializes rounds (a shared executor may run a woken round beside a scheduled one) and close(). */
  private final ReentrantLock roundLock = new ReentrantLock();
  /** Failures in a row of an alarm (by actor and name), with the alarm as rescheduled after the last one. */
  private final Map<DueAlarmKey, Retry> retries = new ConcurrentHashMap<>();
  private final AutoCloseable watch;
  /** The next round scheduled and when it runs (by the clock); guarded by this. */
  private ScheduledFuture<?> next;
  private Instant nextWake;
  /** The earliest alarm a commit of this process set since the running round began; guarded by this. */
  private Instant setDuringRound;
  private volatile boolean closed;

  private record DueAlarmKey(String actorId, String name) {}

  private record Retry(Alarm rescheduled, int failures) {}

  private AlarmScheduler(ActorStore store, Handler handler, AlarmSchedulerOptions options, boolean background) {
    this.store = Objects.requireNonNull(store, "store");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.options = Objects.requireNonNull(options, "options");
    if (store.options().readOnly()) {
      throw new ReadOnlyStoreException("store at " + store.location() + " is open read-only: alarms cannot be delivered");
    }
    if (!background) {
      executor = null;
      ownExecutor = false;
      watch = null;
      return;
    }
    ownExecutor = options.executor() == null;
    executor = ownExecutor ? Executors.newSingleThreadScheduledExecutor(options.threadFactory()) : options.executor();
    watch = store.watchAlarms(this::alarmSet);
  }

  /** Starts delivering in the background: the first round runs at once. */
  public static AlarmScheduler start(ActorStore store, Handler handler, AlarmSchedulerOptions options) {
    AlarmScheduler s = new AlarmScheduler(store, handler, options, true);
    synchronized (s) {
      s.scheduleAt(options.clock().instant());
    }
    return s;
  }

  /** A scheduler without a thread of its own: the caller runs {@link #runDue()} (tests with a manual clock). */
  public static AlarmScheduler manual(ActorStore store, Handler handler, AlarmSchedulerOptions options) {
    return new AlarmScheduler(store, handler, options, false);
  }

  /**
   * Delivers every alarm due now (by the options' clock), earliest first, and returns what it did. An
   * alarm set during the round to a time still due is delivered in the same round only when it sorts after
   * the round's position in the index; otherwise in the next.
   */
  public Round runDue() {
    return round().round;
  }

  /** A round's outcome and the due time of the first alarm still pending after it (null: none). */
  private record Outcome(Round round, Instant nextDue, boolean skippedDue) {}

  private Outcome round() {
    roundLock.lock();
    try {
      if (closed) {
        return new Outcome(new Round(0, 0, 0), null, false);
      }
      Instant now = options.clock().instant();
      int delivered = 0;
      int failed = 0;
      int skipped = 0;
      DueAlarm after = null;
      while (!closed) {
        List<DueAlarm> page = store.pendingAlarms(after, options.batchSize());
        for (DueAlarm d : page) {
          if (d.due().isAfter(now)) {
            return new Outcome(new Round(delivered, failed, skipped), d.due(), skipped > 0);
          }
          switch (deliver(d, now)) {
            case DELIVERED -> delivered++;
            case FAILED -> failed++;
            case SKIPPED -> skipped++;
          }
          after = d;
        }
        if (page.size() < options.batchSize()) {
          break;
        }
      }
      return new Outcome(new Round(delivered, failed, skipped), null, skipped > 0);
    } finally {
      roundLock.unlock();
    }
  }

  private enum Result { DELIVERED, FAILED, SKIPPED }

  private Result deliver(DueAlarm due, Instant now) {
    ActorKeyspace actor;
    try {
      actor = store.actor(due.actorId());
    } catch (ActorOwnedException e) {
      return Result.SKIPPED; // another node owns it: its scheduler delivers
    } catch (StoreException e) {
      return Result.SKIPPED; // fenced, unreachable, closed: tried again in a later round
    }
    DueAlarmKey key = new DueAlarmKey(due.actorId(), due.name());
    Alarm alarm;
    Alarm claimed;
    int failures;
    try {
      alarm = actor.alarm(due.name());
      if (alarm == null || alarm.due().isAfter(now)) {
        retries.remove(key);
        return Result.SKIPPED; // deleted or moved since the index was read
      }
      // Claimed before the handler runs: the alarm moves to its retry time in a write through the actor's
      // fence, so a handle that lost the actor delivers nothing, and a process that dies in the handler
      // delivers again after the backoff, also after a restart.
      Retry last = retries.get(key);
      failures = last != null && last.rescheduled().equals(alarm) ? last.failures() + 1 : 1;
      Instant retryAt = now.plus(backoff(failures));
      claimed = alarm.withDue(retryAt.isAfter(Alarm.MAX_DUE) ? Alarm.MAX_DUE : retryAt);
      if (!actor.compareAndSetAlarm(alarm, claimed)) {
        return Result.SKIPPED; // changed meanwhile: the next round sees the new one
      }
    } catch (StoreException e) {
      return Result.SKIPPED; // fenced, unreachable, closed: tried again in a later round (or by the new owner)
    }
    try {
      handler.deliver(actor, alarm);
    } catch (Exception e) {
      retries.put(key, new Retry(backOffResetAlarm(actor, claimed, now), failures)); // claimed: already at its retry time
      return Result.FAILED;
    }
    retries.remove(key);
    try {
      actor.compareAndSetAlarm(claimed, null); // only the alarm delivered: one set again meanwhile stays
    } catch (StoreException e) {
      // Fenced or not deleted: delivered again at its retry time, here or by the new owner (at least once).
    }
    return Result.DELIVERED;
  }

  /**
   * After a failed delivery, the alarm as it now waits: {@code claimed}, unless the handler set it again
   * before failing. One set again at a time already due (a workflow whose own clock says it woke early
   * writes its wake-up back at the same deadline) is moved to the claimed retry time, so a failing handler
   * always waits for its backoff instead of being delivered again at once, round after round; one set to
   * a later time stays as the handler set it.
   */
  private static Alarm backOffResetAlarm(ActorKeyspace actor, Alarm claimed, Instant now) {
    try {
      Alarm current = actor.alarm(claimed.name());
      if (current != null && !current.equals(claimed) && !current.due().isAfter(now)) {
        Alarm moved = current.withDue(claimed.due());
        if (actor.compareAndSetAlarm(current, moved)) {
          return moved;
        }
      }
    } catch (StoreException e) {
      // Fenced or unreachable: the alarm stays as it is, delivered again here or by the new owner.
    }
    return claimed;
  }

  /** The delay after {@code failures} failures in a row: initial, doubled each time, at most the maximum. */
  Duration backoff(int failures) {
    Duration d = options.initialBackoff();
    for (int i = 1; i < failures && d.compareTo(options.maxBackoff()) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(options.maxBackoff()) > 0 ? options.maxBackoff() : d;
  }

  // ------------------------------------------------------------------ background rounds

  private void tick() {
    synchronized (this) {
      setDuringRound = null;
    }
    Instant wake;
    try {
      Outcome o = round();
      Instant now = options.clock().instant();
      wake = now.plus(options.pollInterval());
      if (o.nextDue() != null && o.nextDue().isBefore(wake)) {
        wake = o.nextDue();
      }
    } catch (RuntimeException e) {
      // The store failed (unreachable, closed): try again after the poll interval.
      wake = options.clock().instant().plus(options.pollInterval());
    }
    if (store.isClosed()) {
      return;
    }
    synchronized (this) {
      // An alarm set while the round read the index may be missing from what it found.
      if (setDuringRound != null && setDuringRound.isBefore(wake)) {
        wake = setDuringRound;
      }
      if (!closed) {
        scheduleAt(wake);
      }
    }
  }

  /** Schedules the next round at {@code wake}, replacing the one scheduled. Holds this. */
  private void scheduleAt(Instant wake) {
    if (next != null) {
      next.cancel(false);
    }
    long delay = Math.max(0, Duration.between(options.clock().instant(), wake).toMillis());
    nextWake = wake;
    next = executor.schedule(this::tick, delay, TimeUnit.MILLISECONDS);
  }

  /** A commit of this process set an alarm: wake at its time when that is before the next round. */
  private void alarmSet(DueAlarm due) {
    synchronized (this) {
      if (setDuringRound == null || due.due().isBefore(setDuringRound)) {
        setDuringRound = due.due();
      }
      if (!closed && (nextWake == null || due.due().isBefore(nextWake))) {
        scheduleAt(due.due());
      }
    }
  }

  /**
   * Stops delivering: cancels the next round and waits for one in flight. An executor the scheduler made
   * is shut down; one given in the options is left running.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (next != null) {
        next.cancel(false);
      }
    }
    if (watch != null) {
      try {
        watch.close();
      } catch (Exception e) {
        // removing a watcher cannot fail
      }
    }
    roundLock.lock(); // a round in flight finishes its current alarm and stops
    roundLock.unlock();
    if (ownExecutor) {
      executor.shutdown();
      try {
        if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
          executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
