package dev.actorkv.alarm;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;

/**
 * How an {@link AlarmScheduler} runs: its clock, how long it sleeps at most between rounds (alarms set by
 * other processes are seen within it), the retry backoff of a failing handler (initial, doubled per
 * failure, capped), how many index entries it reads per page, and where its rounds run: a given
 * scheduled executor (shared; not shut down by the scheduler) or, when that is null, one thread of its
 * own made by {@code threadFactory}.
 */
public record AlarmSchedulerOptions(
    java.time.InstantSource clock,
    Duration pollInterval,
    Duration initialBackoff,
    Duration maxBackoff,
    int batchSize,
    ScheduledExecutorService executor,
    ThreadFactory threadFactory) {
  public AlarmSchedulerOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(threadFactory, "threadFactory");
    if (pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("poll interval must be positive: " + pollInterval);
    }
    if (initialBackoff.isNegative() || initialBackoff.isZero() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("backoff must be positive, maximum >= initial: " + initialBackoff + ", " + maxBackoff);
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
  }

  /** System clock, poll every second, backoff 100 ms doubling up to 1 minute, pages of 256, one daemon thread. */
  public static AlarmSchedulerOptions defaults() {
    return new AlarmSchedulerOptions(InstantSource.system(), Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMinutes(1), 256,
        null, Thread.ofPlatform().daemon().name("actor-kv-alarms").factory());
  }

  public AlarmSchedulerOptions withClock(InstantSource v) {
    return new AlarmSchedulerOptions(v, pollInterval, initialBackoff, maxBackoff, batchSize, executor, threadFactory);
  }

  public AlarmSchedulerOptions withPollInterval(Duration v) {
    return new AlarmSchedulerOptions(clock, v, initialBackoff, maxBackoff, batchSize, executor, threadFactory);
  }

  public AlarmSchedulerOptions withBackoff(Duration initial, Duration max) {
    return new AlarmSchedulerOptions(clock, pollInterval, initial, max, batchSize, executor, threadFactory);
  }

  public AlarmSchedulerOptions withBatchSize(int v) {
    return new AlarmSchedulerOptions(clock, pollInterval, initialBackoff, maxBackoff, v, executor, threadFactory);
  }

  /** Runs the rounds on {@code v} (shared: the scheduler does not shut it down). */
  public AlarmSchedulerOptions withExecutor(ScheduledExecutorService v) {
    return new AlarmSchedulerOptions(clock, pollInterval, initialBackoff, maxBackoff, batchSize, v, threadFactory);
  }

  /** Makes the scheduler's own thread with {@code v} (when no executor is given). */
  public AlarmSchedulerOptions withThreadFactory(ThreadFactory v) {
    return new AlarmSchedulerOptions(clock, pollInterval, initialBackoff, maxBackoff, batchSize, executor, v);
  }
}
