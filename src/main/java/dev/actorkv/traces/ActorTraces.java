package dev.actorkv.traces;

import com.google.common.annotations.VisibleForTesting;
import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The traces manager of one actor: OpenTelemetry spans recorded into hourly buckets of chunks
 * ({@code [07][01] + pack(1, bucket_start_sec, chunk_id)}, each value a {@code TraceChunk}), read back by
 * time range and exported as OTLP.
 *
 * <p>Write path: span starts, updates, events and ends are buffered per bucket and written as chunks of at
 * most {@link TracesOptions#maxChunkBytes()} encoded bytes — on size (in the background), on the timer,
 * on {@link #flush()} and on {@link #close()}. A flush writes every sealed chunk in one atomic commit; when
 * it fails, the error goes to the caller of flush/close, to {@link TracesStatus#lastError()} and to the
 * listener, the chunks stay buffered with the ids they were given (a failed commit wrote nothing) and the
 * next flush retries them. Chunk ids of a bucket continue after the bucket's last chunk on disk, found by
 * a reverse bounded scan, so nothing is ever overwritten, across restarts too.
 *
 * <p>Long-open spans: the first chunk written in a bucket carries a snapshot (the full state) of every
 * span still open whose start or latest snapshot lies in an older bucket, and the timer writes such a
 * chunk as soon as the clock enters a new bucket while spans are open. A read of a window therefore finds
 * every span open in it within the window's own buckets; it also reads the one chunk before them.
 *
 * <p>Thread-safe. Use one manager per actor at a time.
 */
public final class ActorTraces implements AutoCloseable {
  static final Comparator<StoredSpan> SPAN_ORDER = Comparator
      .comparing((StoredSpan s) -> s.span().getStartTimeUnixNano(), Long::compareUnsigned)
      .thenComparing(s -> s.span().getTraceId(), ByteString.unsignedLexicographicalComparator())
      .thenComparing(s -> s.span().getSpanId(), ByteString.unsignedLexicographicalComparator());

  private final ActorKeyspace actor;
  private final TracesOptions options;
  private final TracesMetrics metrics;
  private final TraceReader reader;
  private final TraceRetention retention;
  private final TraceWriter writer;
  private final TracesTimer timer;

  private ActorTraces(ActorKeyspace actor, TracesOptions options) {
    this.actor = actor;
    this.options = options;
    this.metrics = TracesMetrics.of(actor.metrics());
    if (options.maxChunkBytes() > actor.limits().maxValueBytes()) {
      throw new IllegalArgumentException("maxChunkBytes " + options.maxChunkBytes()
          + " exceeds the store's value limit of " + actor.limits().maxValueBytes() + " bytes");
    }
    this.reader = new TraceReader(actor);
    this.retention = new TraceRetention(actor, options.clock());
    this.writer = new TraceWriter(actor, options, metrics, reader.lastChunkBefore(TracesKeys.chunks().end()),
        this::inBackground, this::dropExpired);
    long period = options.flushInterval().isZero() ? 0 : Math.max(1, options.flushInterval().toMillis());
    this.timer = new TracesTimer(options.scheduler(), period, writer::tick);
    timer.start();
  }

  /** Opens the traces manager of {@code actor}, recovering where its chunk ids continue. */
  public static ActorTraces open(ActorKeyspace actor, TracesOptions options) {
    ActorTraces traces = new ActorTraces(Objects.requireNonNull(actor, "actor"), Objects.requireNonNull(options, "options"));
    traces.metrics.opened(traces);
    return traces;
  }

  public static ActorTraces open(ActorKeyspace actor) {
    return open(actor, TracesOptions.DEFAULTS);
  }

  public ActorKeyspace actor() {
    return actor;
  }

  public TracesOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ recording

  /**
   * Records the start of {@code span} (ids, start time and every field known at start; end time 0) under
   * {@code resource} and {@code scope}.
   *
   * @throws RecordTooLargeException when the start alone exceeds a chunk
   * @throws TraceBufferFullException when the buffer or the open-span table is full
   */
  public void start(Resource resource, InstrumentationScope scope, Span span) {
    writer.start(resource, scope, span, null);
  }

  /** As {@link #start(Resource, InstrumentationScope, Span)}, with {@code live} giving the span's current state. */
  void start(Resource resource, InstrumentationScope scope, Span span, Supplier<Span> live) {
    writer.start(resource, scope, span, live);
  }

  /** As {@link #start(Resource, InstrumentationScope, Span)} for a span already without ids. */
  void start(SpanKey key, Resource resource, InstrumentationScope scope, Span stripped, Supplier<Span> live) {
    writer.start(key, resource, scope, stripped, live);
  }

  /** A span whose start record is written only if it is still needed (see {@link TraceWriter#startDeferred}). */
  void startDeferred(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos,
      Supplier<Span> startState, Supplier<Span> live) {
    writer.startDeferred(key, resource, scope, startNanos, startState, live);
  }

  /** Merges {@code attributes} into an open span (a later value for a key replaces an earlier one). */
  public void setAttributes(SpanKey key, long timeNanos, List<io.opentelemetry.proto.common.v1.KeyValue> attributes) {
    writer.setAttributes(key, timeNanos, attributes);
  }

  /** Sets the status of an open span. */
  public void setStatus(SpanKey key, long timeNanos, Status status) {
    writer.setStatus(key, timeNanos, status);
  }

  /** Renames an open span. */
  public void rename(SpanKey key, long timeNanos, String name) {
    writer.rename(key, timeNanos, name);
  }

  /** Adds links to an open span. */
  public void addLinks(SpanKey key, long timeNanos, List<Span.Link> links) {
    writer.addLinks(key, timeNanos, links);
  }

  /** Adds an event (at its own time) to an open span. */
  public void addEvent(SpanKey key, Span.Event event) {
    writer.addEvent(key, event);
  }

  /**
   * Ends an open span at {@code endNanos}. The end record holds the span's whole final state (cut to fit
   * one chunk by dropping the oldest events, links, then attributes, counted as dropped).
   */
  public void end(SpanKey key, long endNanos) {
    writer.end(key, endNanos);
  }

  /** Ends a span with its final state as the SDK reports it (the span need not have been started here). */
  void end(Resource resource, InstrumentationScope scope, Span finalState) {
    writer.end(resource, scope, finalState);
  }

  /** As {@link #end(Resource, InstrumentationScope, Span)} for a final state already without ids. */
  void end(SpanKey key, Resource resource, InstrumentationScope scope, Span stripped) {
    writer.end(key, resource, scope, stripped);
  }

  /** As {@link #end(SpanKey, Resource, InstrumentationScope, Span)} for a final state given encoded. */
  void end(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos, long endNanos,
      byte[] encodedStripped) {
    writer.end(key, resource, scope, startNanos, endNanos, encodedStripped);
  }

  /**
   * Records a finished span in one go (as a span exporter sees it): one self-contained end record in the
   * bucket of its end time.
   *
   * @throws RecordTooLargeException when the span does not fit in one chunk; nothing is recorded
   */
  public void record(Resource resource, InstrumentationScope scope, Span span) {
    writer.record(resource, scope, span);
  }

  /** As {@link #record(Resource, InstrumentationScope, Span)} for a finished span given encoded. */
  void record(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos, long endNanos,
      byte[] encodedStripped) {
    writer.record(key, resource, scope, startNanos, endNanos, encodedStripped);
  }

  // ------------------------------------------------------------------ flushing

  /**
   * Writes everything buffered, as one atomic commit. On failure the error is thrown (and reported to the
   * status and listener) and the chunks stay buffered for the next flush.
   */
  public void flush() {
    writer.flush();
  }

  // ------------------------------------------------------------------ retention

  /**
   * Drops every bucket that ended at least {@code age} ago (by the options' clock) with one range delete.
   * Returns whether any chunk was there to drop.
   */
  public boolean dropOlderThan(Duration age) {
    return retention.dropOlderThan(age);
  }

  /** Drops every bucket starting before {@code bucketStartSec} with one range delete. */
  public boolean dropBucketsBefore(long bucketStartSec) {
    return retention.dropBucketsBefore(bucketStartSec);
  }

  /** The writer's background flushes run on the timer (made after the writer: none is queued before). */
  private boolean inBackground(Runnable task) {
    return timer.execute(task);
  }

  /** The options' retention, after each timed flush. */
  private void dropExpired() {
    if (!options.retention().isZero()) {
      dropOlderThan(options.retention());
    }
  }

  // ------------------------------------------------------------------ reading

  /**
   * Spans overlapping {@code [startNanos, endNanos)} — begun before {@code endNanos} and still open or
   * ended at or after {@code startNanos} — at most {@code limit}, ordered by start time then ids. Reads
   * with bounded iterators only the chunks of the window's buckets and the one chunk before them; spans
   * still buffered are not seen until flushed. Each span is as the chunks read last recorded it.
   */
  public TraceRead read(long startNanos, long endNanos, int limit) {
    return reader.read(startNanos, endNanos, limit);
  }

  /** Ended spans in the chunks held in memory (filling and waiting to be written), for the metrics. */
  long bufferedSpans() {
    return writer.bufferedSpans();
  }

  /** Chunk values read by {@link #read} since open, for tests and benchmarks. */
  @VisibleForTesting
  public long chunksRead() {
    return reader.chunksRead();
  }

  public TracesStatus status() {
    return writer.status();
  }

  /**
   * Stops the timer and writes everything buffered. Throws when that final write fails; the records are
   * then still buffered and {@link #flush()} may be called again.
   */
  @Override
  public void close() {
    if (!writer.markClosed()) {
      return;
    }
    timer.close(); // no run of this actor's timer is in progress or armed after it
    flush();
    metrics.closed(this); // everything written: nothing of it is buffered any more
  }
}
