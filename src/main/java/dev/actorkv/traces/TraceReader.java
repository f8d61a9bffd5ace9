package dev.actorkv.traces;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/** Reads spans of one actor from its written chunks: the read side of {@link ActorTraces}, holding no buffer. */
final class TraceReader {
  private final ActorKeyspace actor;
  private final AtomicLong chunksRead = new AtomicLong();

  TraceReader(ActorKeyspace actor) {
    this.actor = actor;
  }

  /** See {@link ActorTraces#read}. */
  TraceRead read(long startNanos, long endNanos, int limit) {
    if (startNanos < 0 || endNanos <= startNanos) {
      throw new IllegalArgumentException("window must satisfy 0 <= start < end, got [" + startNanos + ", " + endNanos + ")");
    }
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be > 0, got " + limit);
    }
    long firstBucket = Buckets.of(startNanos);
    long lastBucket = Buckets.of(endNanos - 1);
    SpanFolder folder = new SpanFolder();
    int read = 0;
    KeyValue before = lastChunkBefore(TracesKeys.chunk(firstBucket, 0));
    if (before != null) {
      fold(folder, before);
      read++;
    }
    try (KeyValueIterator it = actor.iterator(TracesKeys.buckets(firstBucket, lastBucket + Buckets.SECONDS), false)) {
      while (it.hasNext()) {
        fold(folder, it.next());
        read++;
      }
    }
    chunksRead.addAndGet(read);
    return folder.select(startNanos, endNanos, limit, read);
  }

  private static void fold(SpanFolder folder, KeyValue chunk) {
    folder.add(ChunkScanner.read(TracesKeys.decodeChunk(chunk.key()).bucketStartSec(), chunk.value()));
  }

  /** The last chunk written before {@code endExclusive}, or null: one bounded reverse read. */
  @Nullable KeyValue lastChunkBefore(byte[] endExclusive) {
    return actor.first(KeyRange.of(TracesKeys.chunks().begin(), endExclusive), true);
  }

  long chunksRead() {
    return chunksRead.get();
  }
}
