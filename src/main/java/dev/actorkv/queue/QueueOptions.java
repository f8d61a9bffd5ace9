package dev.actorkv.queue;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Options of {@link ActorQueue#open}. Immutable; the {@code with...} methods return copies.
 *
 * @param maxSize most messages the queue holds (leased and undecodable ones included)
 * @param maxMessageBytes most bytes of one message's encoded value (name, body and bookkeeping)
 * @param leaseDuration how long a completable receive holds a message before it is delivered again
 * @param clock time source of creation times and leases (tests inject a controllable one)
 */
public record QueueOptions(int maxSize, int maxMessageBytes, Duration leaseDuration, InstantSource clock) {
  public static final int DEFAULT_MAX_SIZE = 1000;
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;
  public static final Duration DEFAULT_LEASE = Duration.ofSeconds(30);
  public static final QueueOptions DEFAULTS =
      new QueueOptions(DEFAULT_MAX_SIZE, DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_LEASE, InstantSource.system());

  public QueueOptions {
    if (maxSize < 1) {
      throw new IllegalArgumentException("maxSize must be >= 1, got " + maxSize);
    }
    if (maxMessageBytes < 1) {
      throw new IllegalArgumentException("maxMessageBytes must be >= 1, got " + maxMessageBytes);
    }
    Objects.requireNonNull(leaseDuration, "leaseDuration");
    if (leaseDuration.toMillis() < 1) {
      throw new IllegalArgumentException("leaseDuration must be at least 1 ms, got " + leaseDuration);
    }
    Objects.requireNonNull(clock, "clock");
  }

  public static QueueOptions defaults() {
    return DEFAULTS;
  }

  public QueueOptions withMaxSize(int v) {
    return new QueueOptions(v, maxMessageBytes, leaseDuration, clock);
  }

  public QueueOptions withMaxMessageBytes(int v) {
    return new QueueOptions(maxSize, v, leaseDuration, clock);
  }

  public QueueOptions withLeaseDuration(Duration v) {
    return new QueueOptions(maxSize, maxMessageBytes, v, clock);
  }

  public QueueOptions withClock(InstantSource v) {
    return new QueueOptions(maxSize, maxMessageBytes, leaseDuration, v);
  }
}
