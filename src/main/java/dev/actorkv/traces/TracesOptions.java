package dev.actorkv.traces;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import org.jspecify.annotations.Nullable;

/**
 * Options of {@link ActorTraces}. Immutable; the {@code with...} methods return copies.
 *
 * @param maxChunkBytes largest encoded chunk value (default 64 KiB; must not exceed the store's value limit)
 * @param flushInterval period of the background flush (default 5 s; {@link Duration#ZERO} disables the
 *     timer, leaving flushes on size, on {@link ActorTraces#flush()} and on close)
 * @param maxBufferedBytes most bytes of records held in memory, written or not yet (default 16 MiB);
 *     beyond it new records are refused with {@link TraceBufferFullException}
 * @param maxOpenSpans most spans started and not yet ended that are tracked for snapshots (default 100 000)
 * @param retention buckets entirely older than this are dropped by the background flush
 *     ({@link Duration#ZERO}: keep everything, the default)
 * @param clock wall clock for the timer's bucket snapshots and for retention
 * @param listener told about every written and every failed flush
 * @param scheduler where the background flush and retention run, shared by every actor given it; null
 *     (the default): each run is a virtual thread started by the JDK's one shared delay timer, so no
 *     platform thread is started per actor. The caller owns a scheduler it gives and shuts it down after
 *     closing the traces that use it; closing an actor's traces cancels only its own task.
 */
public record TracesOptions(
    int maxChunkBytes,
    Duration flushInterval,
    long maxBufferedBytes,
    int maxOpenSpans,
    Duration retention,
    InstantSource clock,
    TracesListener listener,
    @Nullable ScheduledExecutorService scheduler) {
  public static final int DEFAULT_MAX_CHUNK_BYTES = 64 * 1024;
  /** Smallest allowed chunk size: room for a span with a few small attributes. */
  public static final int MIN_CHUNK_BYTES = 1024;

  public static final TracesOptions DEFAULTS = new TracesOptions(
      DEFAULT_MAX_CHUNK_BYTES, Duration.ofSeconds(5), 16L << 20, 100_000, Duration.ZERO, InstantSource.system(),
      TracesListener.NONE, null);

  public TracesOptions {
    Objects.requireNonNull(flushInterval, "flushInterval");
    Objects.requireNonNull(retention, "retention");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(listener, "listener");
    if (maxChunkBytes < MIN_CHUNK_BYTES) {
      throw new IllegalArgumentException("maxChunkBytes must be >= " + MIN_CHUNK_BYTES + ", got " + maxChunkBytes);
    }
    if (flushInterval.isNegative() || retention.isNegative()) {
      throw new IllegalArgumentException("flushInterval and retention must not be negative");
    }
    if (maxBufferedBytes < maxChunkBytes) {
      throw new IllegalArgumentException("maxBufferedBytes must be >= maxChunkBytes");
    }
    if (maxOpenSpans <= 0) {
      throw new IllegalArgumentException("maxOpenSpans must be > 0");
    }
  }

  public static TracesOptions defaults() {
    return DEFAULTS;
  }

  public TracesOptions withMaxChunkBytes(int v) {
    return new TracesOptions(v, flushInterval, Math.max(maxBufferedBytes, v), maxOpenSpans, retention, clock, listener, scheduler);
  }

  public TracesOptions withFlushInterval(Duration v) {
    return new TracesOptions(maxChunkBytes, v, maxBufferedBytes, maxOpenSpans, retention, clock, listener, scheduler);
  }

  public TracesOptions withMaxBufferedBytes(long v) {
    return new TracesOptions(maxChunkBytes, flushInterval, v, maxOpenSpans, retention, clock, listener, scheduler);
  }

  public TracesOptions withMaxOpenSpans(int v) {
    return new TracesOptions(maxChunkBytes, flushInterval, maxBufferedBytes, v, retention, clock, listener, scheduler);
  }

  public TracesOptions withRetention(Duration v) {
    return new TracesOptions(maxChunkBytes, flushInterval, maxBufferedBytes, maxOpenSpans, v, clock, listener, scheduler);
  }

  public TracesOptions withClock(InstantSource v) {
    return new TracesOptions(maxChunkBytes, flushInterval, maxBufferedBytes, maxOpenSpans, retention, v, listener, scheduler);
  }

  public TracesOptions withListener(TracesListener v) {
    return new TracesOptions(maxChunkBytes, flushInterval, maxBufferedBytes, maxOpenSpans, retention, clock, v, scheduler);
  }

  /** Runs the background flush and retention of every actor given these options on {@code v} (see {@code scheduler}). */
  public TracesOptions withScheduler(ScheduledExecutorService v) {
    return new TracesOptions(maxChunkBytes, flushInterval, maxBufferedBytes, maxOpenSpans, retention, clock, listener,
        Objects.requireNonNull(v, "scheduler"));
  }
}
