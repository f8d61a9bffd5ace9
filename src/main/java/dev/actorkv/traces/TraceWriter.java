package dev.actorkv.traces;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.traces.proto.SpanUpdate;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The write path of one actor's traces: spans started, changed and ended into a buffer of chunks per hour
 * bucket, and those chunks written to the store. See {@link ActorTraces} for what it promises.
 *
 * <p>Two locks: {@code lock} guards the buffer (the chunks filling and sealed, the open spans, the newest
 * bucket, the buffered bytes, closed); {@code flushLock} lets one commit run at a time and guards the chunk
 * ids. A flush copies the sealed chunks under {@code lock}, commits without it (records go on meanwhile),
 * and takes it again only to drop what it wrote: the buffer changes only after the commit succeeded.
 */
final class TraceWriter {
  private final ActorKeyspace actor;
  private final TracesOptions options;
  /** Guards the buffer: filling, pending, open, maxBucket, bufferedBytes, closed. */
  private final ReentrantLock lock = new ReentrantLock();
  /** One commit at a time; guards nextChunkId and the ids of pending chunks. */
  private final ReentrantLock flushLock = new ReentrantLock();
  private final TreeMap<Long, ChunkBuilder> filling = new TreeMap<>();
  private final ArrayDeque<PendingChunk> pending = new ArrayDeque<>();
  private final Map<Long, Long> nextChunkId = new HashMap<>();
  private final LinkedHashMap<SpanKey, OpenSpan> open = new LinkedHashMap<>();
  /** Open spans started by {@link #startDeferred} whose start record is not written yet. */
  private final LinkedHashMap<SpanKey, OpenSpan> unwrittenStarts = new LinkedHashMap<>();
  private long maxBucket = -1;
  private long bufferedBytes;
  private boolean closed;
  /** Runs a flush in the background (the traces' timer); false when it cannot any more. */
  private final Predicate<Runnable> background;
  /** Runs after each timed flush: the retention. */
  private final Runnable afterTick;
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private final AtomicLong chunksWritten = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final AtomicLong failedFlushes = new AtomicLong();
  private volatile RuntimeException lastError;
  private final TracesMetrics metrics;

  /** A sealed chunk waiting to be written. Its id is given on the first attempt and kept for retries. */
  private static final class PendingChunk {
    final long bucket;
    final byte[] value;
    /** Spans that end in the chunk. */
    final int ends;
    long id = -1;
    boolean attempted;

    PendingChunk(long bucket, byte[] value, int ends) {
      this.bucket = bucket;
      this.value = value;
      this.ends = ends;
    }
  }

  /** A span started and not yet ended. {@code live} (SDK spans) gives its current state for snapshots. */
  private static final class OpenSpan {
    final SpanKey key;
    final Resource resource;
    final InstrumentationScope scope;
    final long startNanos;
    final long startBucket;
    /** The state as started (null until first needed when the start is deferred); replaced by {@code changed} once an update or event applies (most spans never get one). */
    private Span started;
    private Supplier<Span> startState;
    private Span.Builder changed;
    final Supplier<Span> live;
    long anchorBucket;

    OpenSpan(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos, Span started,
        Supplier<Span> startState, Supplier<Span> live) {
      this.key = key;
      this.resource = resource;
      this.scope = scope;
      this.startNanos = startNanos;
      this.startBucket = Buckets.of(startNanos);
      this.started = started;
      this.startState = startState;
      this.live = live;
      this.anchorBucket = startBucket;
    }

    Span started() {
      if (started == null) {
        Span s = startState.get();
        checkStripped(key, s);
        if (s.getStartTimeUnixNano() != startNanos || s.getEndTimeUnixNano() != 0) {
          throw new IllegalStateException("deferred start of span " + key + " is not the state it started with");
        }
        started = s;
        startState = null;
      }
      return started;
    }

    Span.Builder state() {
      if (changed == null) {
        changed = started().toBuilder();
      }
      return changed;
    }

    Span current() {
      if (live != null) {
        Span now = live.get();
        // The SDK span can end while its state is read; the end comes as its own record, so the open
        // span's state never carries an end time (the decoder rejects snapshots of ended spans).
        return now.getEndTimeUnixNano() == 0 ? now : now.toBuilder().clearEndTimeUnixNano().build();
      }
      return changed != null ? changed.build() : started();
    }
  }

  TraceWriter(ActorKeyspace actor, TracesOptions options, TracesMetrics metrics, @Nullable KeyValue lastChunk,
      Predicate<Runnable> background, Runnable afterTick) {
    this.actor = actor;
    this.options = options;
    this.metrics = metrics;
    this.background = background;
    this.afterTick = afterTick;
    if (lastChunk != null) {
      KeyDescription.TracesChunk k = TracesKeys.decodeChunk(lastChunk.key());
      nextChunkId.put(k.bucketStartSec(), k.chunkId() + 1);
      maxBucket = k.bucketStartSec();
    }
  }

  // ------------------------------------------------------------------ recording

  /**
   * Records the start of {@code span} (ids, start time and every field known at start; end time 0) under
   * {@code resource} and {@code scope}; {@code live}, when not null, gives the span's current state.
   *
   * @throws RecordTooLargeException when the start alone exceeds a chunk
   * @throws TraceBufferFullException when the buffer or the open-span table is full
   */
  void start(Resource resource, InstrumentationScope scope, Span span, @Nullable Supplier<Span> live) {
    start(new SpanKey(span.getTraceId(), span.getSpanId()), resource, scope, stripIds(span), live);
  }

  /**
   * As {@link #start(Resource, InstrumentationScope, Span, Supplier)} for a span already without ids (the SDK path
   * converts it so, saving a copy per span); {@code live} gives its current state, also without ids.
   */
  void start(SpanKey key, Resource resource, InstrumentationScope scope, Span stripped, Supplier<Span> live) {
    checkStripped(key, stripped);
    if (stripped.getEndTimeUnixNano() != 0) {
      throw new IllegalArgumentException("span " + key + " to start has an end time; record it with record()");
    }
    long time = stripped.getStartTimeUnixNano();
    Entry e = new Entry(key, time, new Entry.State(Entry.StateKind.START, resource, scope, stripped));
    lock.lock();
    try {
      checkStartable(key);
      admit(e, "start of span");
      OpenSpan s = new OpenSpan(key, resource, scope, time, stripped, null, live);
      append(e);
      open.put(key, s);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Starts a span whose start record is written only if it is still needed: when a chunk of its bucket
   * seals (by size, flush, timer or close) while the span is open, when an update or event applies to it,
   * or when it ends in a later bucket. A span that ends in its start bucket before then is stored by its
   * end record alone, and {@code startState} (the id-less state as started, with start time
   * {@code startNanos} and no end time) is never called — the SDK path saves converting and encoding a
   * start that the end would replace. The start record is sized and fitted to a chunk when it is written,
   * as snapshots are; until then it is not counted in the buffered bytes (at most one per open span).
   *
   * @throws TraceBufferFullException when the buffer or the open-span table is full
   */
  void startDeferred(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos,
      Supplier<Span> startState, Supplier<Span> live) {
    Objects.requireNonNull(startState, "startState");
    long bucket = Buckets.of(startNanos);
    lock.lock();
    try {
      checkStartable(key);
      if (bufferedBytes >= options.maxBufferedBytes()) {
        throw bufferFull();
      }
      if (bucket > maxBucket) {
        enterBucket(bucket);
      }
      OpenSpan s = new OpenSpan(key, resource, scope, startNanos, null, startState, live);
      open.put(key, s);
      unwrittenStarts.put(key, s);
    } finally {
      lock.unlock();
    }
  }

  /** Writes the deferred start of {@code s} into its bucket, if it is still unwritten. */
  private void writeStart(OpenSpan s) {
    if (unwrittenStarts.containsKey(s.key)) {
      Entry e = startEntry(s);
      unwrittenStarts.remove(s.key);
      add(s.startBucket, e);
    }
  }

  private Entry startEntry(OpenSpan s) {
    return SpanStates.fit(new Entry(s.key, s.startNanos, new Entry.State(Entry.StateKind.START, s.resource, s.scope,
        s.started())), options.maxChunkBytes());
  }

  /**
   * Before {@code s} ends in {@code endBucket}: its deferred start is dropped when the end lands in the
   * start's bucket (the end record holds the whole span and every read of that bucket sees it), else
   * written, so reads of the start's bucket still find the span.
   */
  private void settleStart(OpenSpan s, long endBucket) {
    if (endBucket == s.startBucket) {
      unwrittenStarts.remove(s.key);
    } else {
      writeStart(s);
    }
  }

  /** Merges {@code attributes} into an open span (a later value for a key replaces an earlier one). */
  void setAttributes(SpanKey key, long timeNanos, List<io.opentelemetry.proto.common.v1.KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    update(key, timeNanos, SpanUpdate.newBuilder().addAllAttributes(attributes).build());
  }

  /** Sets the status of an open span. */
  void setStatus(SpanKey key, long timeNanos, Status status) {
    update(key, timeNanos, SpanUpdate.newBuilder().setStatus(status).build());
  }

  /** Renames an open span. */
  void rename(SpanKey key, long timeNanos, String name) {
    if (name.isEmpty()) {
      throw new IllegalArgumentException("span name must not be empty");
    }
    update(key, timeNanos, SpanUpdate.newBuilder().setName(name).build());
  }

  /** Adds links to an open span. */
  void addLinks(SpanKey key, long timeNanos, List<Span.Link> links) {
    if (links.isEmpty()) {
      return;
    }
    update(key, timeNanos, SpanUpdate.newBuilder().addAllLinks(links).build());
  }

  private void update(SpanKey key, long timeNanos, SpanUpdate u) {
    change(new Entry(key, timeNanos, new Entry.Update(u)), "update of span", state -> SpanStates.apply(state, u));
  }

  /** Buffers a change of an open span (its start first, if still unwritten), then applies it to the state. */
  private void change(Entry e, String what, Consumer<Span.Builder> applyToState) {
    lock.lock();
    try {
      checkOpen();
      OpenSpan s = requireOpen(e.key());
      admit(e, what);
      writeStart(s);
      append(e);
      applyToState.accept(s.state());
    } finally {
      lock.unlock();
    }
  }

  /** Adds an event (at its own time) to an open span. */
  void addEvent(SpanKey key, Span.Event event) {
    change(new Entry(key, event.getTimeUnixNano(), new Entry.Event(event)), "event of span",
        state -> SpanStates.apply(state, event));
  }

  /**
   * Ends an open span at {@code endNanos}. The end record holds the span's whole final state (cut to fit
   * one chunk by dropping the oldest events, links, then attributes, counted as dropped).
   */
  void end(SpanKey key, long endNanos) {
    lock.lock();
    try {
      checkOpen();
      OpenSpan s = requireOpen(key);
      Span finalState = s.current().toBuilder().setEndTimeUnixNano(endNanos).build();
      endLocked(key, new Entry.State(Entry.StateKind.END, s.resource, s.scope, finalState),
          finalState.getStartTimeUnixNano(), endNanos);
    } finally {
      lock.unlock();
    }
  }

  /** Ends a span with its final state as the SDK reports it (the span need not have been started here). */
  void end(Resource resource, InstrumentationScope scope, Span finalState) {
    end(new SpanKey(finalState.getTraceId(), finalState.getSpanId()), resource, scope, stripIds(finalState));
  }

  /** As {@link #end(Resource, InstrumentationScope, Span)} for a final state already without ids. */
  void end(SpanKey key, Resource resource, InstrumentationScope scope, Span stripped) {
    checkStripped(key, stripped);
    lock.lock();
    try {
      checkOpen();
      endLocked(key, new Entry.State(Entry.StateKind.END, resource, scope, stripped), stripped.getStartTimeUnixNano(),
          stripped.getEndTimeUnixNano());
    } finally {
      lock.unlock();
    }
  }

  /**
   * As {@link #end(SpanKey, Resource, InstrumentationScope, Span)} for a final state given as the
   * serialization of the span without ids (the SDK path encodes it straight from the SDK's data, see
   * {@link SpanDataEncoder}), with the start and end times it holds.
   */
  void end(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos, long endNanos,
      byte[] encodedStripped) {
    Entry.State st = Entry.State.encoded(Entry.StateKind.END, resource, scope, encodedStripped);
    lock.lock();
    try {
      checkOpen();
      endLocked(key, st, startNanos, endNanos);
    } finally {
      lock.unlock();
    }
  }

  private void endLocked(SpanKey key, Entry.State finalState, long startNanos, long endNanos) {
    if (endNanos == 0 || Long.compareUnsigned(endNanos, startNanos) < 0) {
      throw new IllegalArgumentException("span " + key + " end time " + Long.toUnsignedString(endNanos)
          + " is not after its start time " + Long.toUnsignedString(startNanos));
    }
    Entry e = SpanStates.fit(new Entry(key, endNanos, finalState), options.maxChunkBytes());
    long bucket = admit(e, "end of span");
    OpenSpan s = open.get(key);
    if (s != null) {
      settleStart(s, bucket);
    }
    ChunkBuilder b = filling.get(bucket);
    if (b != null) {
      long before = b.size();
      if (b.replaceStart(e)) {
        bufferedBytes += b.size() - before;
        open.remove(key);
        return;
      }
    }
    append(e);
    open.remove(key);
  }

  /**
   * Records a finished span in one go (as a span exporter sees it): one self-contained end record in the
   * bucket of its end time.
   *
   * @throws RecordTooLargeException when the span does not fit in one chunk; nothing is recorded
   */
  void record(Resource resource, InstrumentationScope scope, Span span) {
    SpanKey key = new SpanKey(span.getTraceId(), span.getSpanId());
    checkEnded(key, span.getStartTimeUnixNano(), span.getEndTimeUnixNano());
    recordFinished(key, new Entry.State(Entry.StateKind.END, resource, scope, stripIds(span)), span.getEndTimeUnixNano());
  }

  /**
   * As {@link #record(Resource, InstrumentationScope, Span)} for a finished span given as the
   * serialization of the span without ids (the SDK exporter encodes it straight from the SDK's data, see
   * {@link SpanDataEncoder}), with the start and end times it holds.
   */
  void record(SpanKey key, Resource resource, InstrumentationScope scope, long startNanos, long endNanos,
      byte[] encodedStripped) {
    checkEnded(key, startNanos, endNanos);
    recordFinished(key, Entry.State.encoded(Entry.StateKind.END, resource, scope, encodedStripped), endNanos);
  }

  private static void checkEnded(SpanKey key, long startNanos, long endNanos) {
    if (endNanos == 0 || Long.compareUnsigned(endNanos, startNanos) < 0) {
      throw new IllegalArgumentException("span " + key + " to record must end at or after its start");
    }
  }

  private void recordFinished(SpanKey key, Entry.State finished, long endNanos) {
    Entry e = new Entry(key, endNanos, finished);
    lock.lock();
    try {
      checkOpen();
      long bucket = admit(e, "span");
      OpenSpan s = open.get(key);
      if (s != null) {
        settleStart(s, bucket);
      }
      append(e);
      open.remove(key);
    } finally {
      lock.unlock();
    }
  }

  private static Span stripIds(Span span) {
    new SpanKey(span.getTraceId(), span.getSpanId());
    checkParent(span);
    return span.toBuilder().clearTraceId().clearSpanId().build();
  }

  private static void checkStripped(SpanKey key, Span span) {
    if (!span.getTraceId().isEmpty() || !span.getSpanId().isEmpty()) {
      throw new IllegalArgumentException("span " + key + " state must come without ids (the key holds them)");
    }
    checkParent(span);
  }

  private static void checkParent(Span span) {
    if (!span.getParentSpanId().isEmpty()) {
      SpanKey.checkId(span.getParentSpanId(), 8, "parent span id");
    }
  }

  private OpenSpan requireOpen(SpanKey key) {
    OpenSpan s = open.get(key);
    if (s == null) {
      throw new IllegalArgumentException("span " + key + " is not open");
    }
    return s;
  }

  /**
   * Checks that {@code e} can ever be stored and that the buffer has room, before anything changes;
   * returns its bucket. {@code what} and the entry's key name the record in the error only: building that
   * text for every record cost more than the rest of the check.
   */
  private long admit(Entry e, String what) {
    long bucket = Buckets.of(e.timeNanos());
    long alone = ChunkBuilder.aloneSize(e);
    if (alone > options.maxChunkBytes()) {
      throw new RecordTooLargeException(what + " " + e.key(), alone, options.maxChunkBytes());
    }
    if (bufferedBytes + alone > options.maxBufferedBytes()) {
      throw bufferFull();
    }
    return bucket;
  }

  private TraceBufferFullException bufferFull() {
    return new TraceBufferFullException("traces buffer of actor " + actor.actorId() + " is full ("
        + bufferedBytes + " of " + options.maxBufferedBytes() + " bytes; writes failing: "
        + (lastError == null ? "no" : lastError.getMessage()) + ")");
  }

  /** Adds an admitted entry to its bucket's chunk, first entering the bucket when it is new. */
  private void append(Entry e) {
    long bucket = Buckets.of(e.timeNanos());
    if (bucket > maxBucket) {
      enterBucket(bucket);
    }
    add(bucket, e);
  }

  private void add(long bucket, Entry e) {
    if (!tryAdd(bucket, e)) {
      // The bucket's chunk is full and seals: spans still open whose start waits for this bucket go in
      // first (into the full chunk while they fit, else a chunk sealed with it), so the chunks written
      // now hold them. Without open spans this seals the full chunk alone, as before.
      writeStarts(bucket);
      sealAndAdd(bucket, e);
    }
  }

  /** Adds {@code e} to the bucket's filling chunk when it fits there; false (nothing changed) otherwise. */
  private boolean tryAdd(long bucket, Entry e) {
    // A new chunk's header counts too: buffered bytes are what the chunks will encode to.
    ChunkBuilder b = filling.get(bucket);
    if (b == null) {
      b = new ChunkBuilder(bucket, options.maxChunkBytes());
      if (!b.add(e)) {
        return false;
      }
      filling.put(bucket, b);
      bufferedBytes += b.size();
      return true;
    }
    long before = b.size();
    if (!b.add(e)) {
      return false;
    }
    bufferedBytes += b.size() - before;
    return true;
  }

  private void addSealingWhenFull(long bucket, Entry e) {
    if (!tryAdd(bucket, e)) {
      sealAndAdd(bucket, e);
    }
  }

  /** Seals the bucket's filling chunk (queueing its flush) and adds {@code e} to a new one. */
  private void sealAndAdd(long bucket, Entry e) {
    ChunkBuilder full = filling.get(bucket);
    if (full != null) {
      seal(full);
      queueFlush();
    }
    if (!tryAdd(bucket, e)) {
      throw new IllegalStateException("admitted record does not fit an empty chunk");
    }
  }

  /** Writes every deferred start of {@code bucket} into its chunks. */
  private void writeStarts(long bucket) {
    for (var it = unwrittenStarts.values().iterator(); it.hasNext(); ) {
      OpenSpan s = it.next();
      if (s.startBucket == bucket) {
        Entry e = startEntry(s);
        it.remove();
        addSealingWhenFull(bucket, e);
      }
    }
  }

  /** Makes {@code bucket} the newest one, adding snapshots of spans open since older buckets. */
  private void enterBucket(long bucket) {
    maxBucket = bucket;
    snapshotOpenSpansBefore(bucket);
  }

  private void snapshotOpenSpansBefore(long bucket) {
    long time = Buckets.startNanos(bucket);
    for (Map.Entry<SpanKey, OpenSpan> o : open.entrySet()) {
      OpenSpan s = o.getValue();
      if (s.anchorBucket < bucket) {
        Entry snap = SpanStates.fit(new Entry(o.getKey(), time,
            new Entry.State(Entry.StateKind.SNAPSHOT, s.resource, s.scope, s.current())), options.maxChunkBytes());
        add(bucket, snap);
        s.anchorBucket = bucket;
      }
    }
  }

  private void seal(ChunkBuilder b) {
    if (b.isEmpty()) {
      return;
    }
    pending.add(new PendingChunk(b.bucket, b.encode(), b.endCount()));
    if (filling.get(b.bucket) == b) {
      filling.remove(b.bucket);
    }
  }

  private void sealAll() {
    // Spans still open when their bucket's chunks seal are written with their start.
    while (!unwrittenStarts.isEmpty()) {
      writeStart(unwrittenStarts.values().iterator().next());
    }
    for (ChunkBuilder b : new ArrayList<>(filling.values())) {
      seal(b);
    }
  }

  /** Checks, under the lock, that span {@code key} can start: the writer is open, the span is not, and there is room. */
  private void checkStartable(SpanKey key) {
    checkOpen();
    if (open.containsKey(key)) {
      throw new IllegalArgumentException("span " + key + " is already open");
    }
    if (open.size() >= options.maxOpenSpans()) {
      throw new TraceBufferFullException("too many open spans (maximum " + options.maxOpenSpans() + ")");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("traces of actor " + actor.actorId() + " are closed");
    }
  }

  // ------------------------------------------------------------------ flushing

  /**
   * Writes everything buffered, as one atomic commit. On failure the error is thrown (and reported to the
   * status and listener) and the chunks stay buffered for the next flush.
   */
  void flush() {
    lock.lock();
    try {
      sealAll();
    } finally {
      lock.unlock();
    }
    writePending();
  }

  private void queueFlush() {
    if (!closed && flushQueued.compareAndSet(false, true)) {
      boolean queued = background.test(() -> {
        flushQueued.set(false);
        try {
          writePending();
        } catch (RuntimeException e) {
          // Reported to the status and listener by writePending; the timer or next flush retries.
        }
      });
      if (!queued) {
        flushQueued.set(false);
      }
    }
  }

  void writePending() {
    flushLock.lock();
    try {
      List<PendingChunk> chunks;
      lock.lock();
      try {
        chunks = new ArrayList<>(pending);
      } finally {
        lock.unlock();
      }
      if (chunks.isEmpty()) {
        return;
      }
      List<PendingChunk> done = new ArrayList<>();
      ActorBatch batch = actor.batch();
      long bytes = 0;
      int written = 0;
      try {
        for (PendingChunk c : chunks) {
          if (c.id >= 0 && c.attempted) {
            // A failed commit wrote nothing, so the chunk keeps its id; still, never overwrite: check
            // what the key holds (the chunk itself if the failure came after the write).
            byte[] existing = actor.get(TracesKeys.chunk(c.bucket, c.id));
            if (existing != null) {
              if (Arrays.equals(existing, c.value)) {
                done.add(c);
                continue;
              }
              c.id = -1;
            }
          }
          if (c.id < 0) {
            c.id = allocateId(c.bucket);
            // A point read per new chunk keeps "never overwrite" true even if another writer (a second
            // manager on the same actor, against the documented rule) took ids of this bucket.
            while (actor.get(TracesKeys.chunk(c.bucket, c.id)) != null) {
              c.id = allocateId(c.bucket);
            }
          }
          c.attempted = true;
          batch.put(TracesKeys.chunk(c.bucket, c.id), c.value);
          done.add(c);
          bytes += c.value.length;
          written++;
        }
        actor.commit(batch);
      } catch (RuntimeException e) {
        failedFlushes.incrementAndGet();
        lastError = e;
        options.listener().flushFailed(e);
        throw e;
      }
      long spans = 0;
      lock.lock();
      try {
        for (PendingChunk c : done) {
          pending.remove(c);
          bufferedBytes -= c.value.length;
          spans += c.ends;
        }
      } finally {
        lock.unlock();
      }
      metrics.flushed.add(spans);
      chunksWritten.addAndGet(written);
      bytesWritten.addAndGet(bytes);
      lastError = null;
      options.listener().written(written, bytes);
    } finally {
      flushLock.unlock();
    }
  }

  /** The next unused chunk id of {@code bucket}: one past its last chunk on disk or given out before. */
  private long allocateId(long bucket) {
    Long next = nextChunkId.get(bucket);
    if (next == null) {
      KeyValue last = actor.first(TracesKeys.bucket(bucket), true);
      next = last == null ? 0 : TracesKeys.decodeChunk(last.key()).chunkId() + 1;
    }
    nextChunkId.put(bucket, next + 1);
    return next;
  }

  void tick() {
    try {
      lock.lock();
      try {
        if (!open.isEmpty()) {
          long now = Buckets.of(nowNanos());
          if (now > maxBucket) {
            enterBucket(now);
          } else {
            snapshotOpenSpansBefore(maxBucket);
          }
        }
        sealAll();
      } finally {
        lock.unlock();
      }
      writePending();
      afterTick.run();
    } catch (RuntimeException e) {
      // writePending reported its failure; report the others the same way. The next tick retries.
      if (e != lastError) {
        lastError = e;
        options.listener().flushFailed(e);
      }
    }
  }

  private long nowNanos() {
    return TraceRetention.nowNanos(options.clock());
  }


  /** Ended spans in the chunks held in memory (filling and waiting to be written), for the metrics. */
  long bufferedSpans() {
    lock.lock();
    try {
      long n = 0;
      for (ChunkBuilder b : filling.values()) {
        n += b.endCount();
      }
      for (PendingChunk c : pending) {
        n += c.ends;
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  TracesStatus status() {
    lock.lock();
    try {
      return new TracesStatus(chunksWritten.get(), bytesWritten.get(), pending.size(), bufferedBytes, open.size(),
          failedFlushes.get(), lastError);
    } finally {
      lock.unlock();
    }
  }

  /** Refuses every later record; false when it was closed already. */
  boolean markClosed() {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      closed = true;
      return true;
    } finally {
      lock.unlock();
    }
  }
}
