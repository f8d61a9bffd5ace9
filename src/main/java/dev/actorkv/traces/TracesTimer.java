package dev.actorkv.traces;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One actor's background work, the periodic tick (flush, bucket snapshots, retention) and the flushes a
 * full chunk asks for, without a thread of its own: on the scheduler of the options, shared across
 * actors, or else on virtual threads started by the JDK's one shared delay timer. One run at a time; a
 * tick is armed again only after the previous one ended (fixed delay). {@link #close} cancels what is
 * armed and waits for a run in progress, so nothing of this actor runs after it returns.
 */
final class TracesTimer {
  private static final Executor VIRTUAL = task -> Thread.ofVirtual().name("actorkv-traces").start(task);

  private final @Nullable ScheduledExecutorService scheduler;
  private final long periodMillis;
  private final Runnable tick;
  /** Held while a run is in progress: runs never overlap, and close() waits for the one in progress. */
  private final ReentrantLock running = new ReentrantLock();
  private volatile boolean closed;
  private volatile @Nullable Future<?> armed;

  /** {@code periodMillis} 0: no periodic tick, only {@link #execute}d runs. */
  TracesTimer(@Nullable ScheduledExecutorService scheduler, long periodMillis, Runnable tick) {
    this.scheduler = scheduler;
    this.periodMillis = periodMillis;
    this.tick = tick;
  }

  void start() {
    if (periodMillis > 0) {
      arm();
    }
  }

  private void arm() {
    if (closed) {
      return;
    }
    try {
      armed = scheduler != null
          ? scheduler.schedule(this::runTick, periodMillis, TimeUnit.MILLISECONDS)
          : CompletableFuture.runAsync(this::runTick, CompletableFuture.delayedExecutor(periodMillis, TimeUnit.MILLISECONDS, VIRTUAL));
    } catch (RejectedExecutionException e) {
      // The caller's scheduler was shut down: no more ticks; flushes on size and close still happen.
    }
  }

  private void runTick() {
    run(tick);
    arm();
  }

  /** Runs {@code task} soon, after a run in progress; false when it cannot be run (closed, scheduler shut down). */
  boolean execute(Runnable task) {
    if (closed) {
      return false;
    }
    try {
      (scheduler != null ? scheduler : VIRTUAL).execute(() -> run(task));
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  private void run(Runnable task) {
    running.lock();
    try {
      if (!closed) {
        task.run();
      }
    } finally {
      running.unlock();
    }
  }

  /** Cancels the armed tick and waits for a run in progress to end. */
  void close() {
    closed = true;
    Future<?> f = armed;
    if (f != null) {
      f.cancel(false);
    }
    running.lock();
    running.unlock();
  }
}
