package dev.actorkv.traces;

/**
 * Time buckets of the traces namespace. A bucket is one hour of wall-clock time in unix seconds: a key's
 * {@code bucket_start_sec} is a multiple of 3600, and a chunk of that bucket holds only records whose
 * time falls in {@code [bucket_start_sec, bucket_start_sec + 3600)}. One hour keeps a day of data in
 * 24 buckets, so a range read seeks to one bucket and a retention sweep is one range delete.
 */
final class Buckets {
  static final long SECONDS = 3600;
  static final long NANOS = SECONDS * 1_000_000_000L;

  private Buckets() {}

  /** Start (unix seconds) of the bucket holding {@code unixNanos}. */
  static long of(long unixNanos) {
    if (unixNanos < 0) {
      throw new IllegalArgumentException("time must be >= 0 unix nanos, got " + unixNanos);
    }
    return unixNanos / NANOS * SECONDS;
  }

  static long startNanos(long bucketStartSec) {
    return bucketStartSec * 1_000_000_000L;
  }

  static boolean contains(long bucketStartSec, long unixNanos) {
    return unixNanos >= 0 && of(unixNanos) == bucketStartSec;
  }
}
