package dev.actorkv.workflow;

import java.time.Duration;
import java.util.Objects;

/**
 * How a step is retried: at most {@code maxAttempts} attempts; after failed attempt {@code n} (1-based)
 * the next one is due {@code min(initialBackoff * multiplier^(n-1), maxBackoff)} later; each attempt
 * may run at most {@code attemptTimeout} ({@link Duration#ZERO}: no timeout). Waiting for a retry
 * suspends the workflow (the runtime is told when to run it again); nothing sleeps in a thread.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff, Duration attemptTimeout) {
  /** 3 attempts, backoff 1 s doubling up to 30 s, no timeout. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(30), Duration.ZERO);

  /** One attempt: a failure fails the workflow. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative() || attemptTimeout.isNegative()) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
    }
  }

  public RetryPolicy withMaxAttempts(int v) {
    return new RetryPolicy(v, initialBackoff, multiplier, maxBackoff, attemptTimeout);
  }

  public RetryPolicy withBackoff(Duration initial, double multiplier, Duration max) {
    return new RetryPolicy(maxAttempts, initial, multiplier, max, attemptTimeout);
  }

  public RetryPolicy withAttemptTimeout(Duration v) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, v);
  }

  /** Delay before the attempt after failed attempt {@code failedAttempt} (1-based), capped. */
  public Duration backoffAfter(int failedAttempt) {
    if (failedAttempt < 1) {
      throw new IllegalArgumentException("attempts are counted from 1");
    }
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, failedAttempt - 1);
    long cap = maxBackoff.toMillis();
    return Duration.ofMillis(millis >= cap ? cap : (long) millis);
  }
}
