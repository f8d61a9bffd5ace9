package dev.actorkv.keyspace;

import dev.actorkv.tuple.Tuple;

/**
 * Traces namespace, layout v1: chunk {@code chunk_id} of the bucket starting at {@code bucket_start_sec}
 * at {@code [07][01] + pack(1, bucket_start_sec, chunk_id)}. Integer packing keeps buckets, and chunks
 * within a bucket, in numeric order.
 */
public final class TracesKeys {
  private static final LayoutNode V1 = Layout.namespaceNode(Namespace.TRACES, 1);
  static final byte[] PREFIX = V1.subspace().prefix();
  static final long CHUNKS = V1.child("chunk").tag();
  private static final byte[] LEGACY_PREFIX = Layout.namespaceNode(Namespace.TRACES, 0).subspace().prefix();

  private TracesKeys() {}

  public static byte[] chunk(long bucketStartSec, long chunkId) {
    return chunk(PREFIX, bucketStartSec, chunkId);
  }

  /** Every chunk of one bucket, in chunk id order. */
  public static KeyRange bucket(long bucketStartSec) {
    checkNonNegative(bucketStartSec, "bucket start");
    return KeyRange.prefix(Tuple.of(CHUNKS, bucketStartSec).packWithPrefix(PREFIX));
  }

  /** Chunks of buckets starting in {@code [fromSec, toSec)}. */
  public static KeyRange buckets(long fromSec, long toSec) {
    checkNonNegative(fromSec, "bucket start");
    checkNonNegative(toSec, "bucket end");
    return KeyRange.of(Tuple.of(CHUNKS, fromSec).packWithPrefix(PREFIX), Tuple.of(CHUNKS, toSec).packWithPrefix(PREFIX));
  }

  /** Every chunk of every bucket. */
  public static KeyRange chunks() {
    return KeyRange.prefix(Tuple.of(CHUNKS).packWithPrefix(PREFIX));
  }

  public static KeyRange all() {
    return KeyRange.prefix(PREFIX);
  }

  /** Decodes a v1 chunk key. */
  public static KeyDescription.TracesChunk decodeChunk(byte[] key) {
    return KeyDescriber.describeAs(key, KeyDescription.TracesChunk.class);
  }

  static byte[] chunk(int version, long bucketStartSec, long chunkId) {
    return chunk(version == 0 ? LEGACY_PREFIX : PREFIX, bucketStartSec, chunkId);
  }

  private static byte[] chunk(byte[] prefix, long bucketStartSec, long chunkId) {
    checkNonNegative(bucketStartSec, "bucket start");
    checkNonNegative(chunkId, "chunk id");
    return Tuple.of(CHUNKS, bucketStartSec, chunkId).packWithPrefix(prefix);
  }

  private static void checkNonNegative(long v, String what) {
    if (v < 0) {
      throw new IllegalArgumentException(what + " must be >= 0, got " + v);
    }
  }

  static KeyDescription decode(byte[] key, int offset, int version) {
    String what = version == 0 ? "legacy traces key" : "traces key";
    Tuple t = TupleKeys.suffix(key, offset, what);
    long tag = TupleKeys.nonNegative(t, 0, what + " subspace tag");
    if (tag != CHUNKS) {
      throw new KeyFormatException("unknown traces subspace tag " + tag);
    }
    TupleKeys.requireSize(t, 3, "traces chunk key");
    return new KeyDescription.TracesChunk(
        version, TupleKeys.nonNegative(t, 1, "bucket_start_sec"), TupleKeys.nonNegative(t, 2, "chunk_id"));
  }
}
