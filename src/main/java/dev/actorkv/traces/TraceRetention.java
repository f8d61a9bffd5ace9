package dev.actorkv.traces;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import java.time.Duration;
import java.time.InstantSource;

/** Drops an actor's old buckets, each call one range delete: the retention side of {@link ActorTraces}. */
final class TraceRetention {
  private final ActorKeyspace actor;
  private final InstantSource clock;

  TraceRetention(ActorKeyspace actor, InstantSource clock) {
    this.actor = actor;
    this.clock = clock;
  }

  /** See {@link ActorTraces#dropOlderThan}. */
  boolean dropOlderThan(Duration age) {
    long cutoff = nowNanos(clock) - age.toNanos();
    if (cutoff <= 0) {
      return false;
    }
    return dropBucketsBefore(Buckets.of(cutoff));
  }

  /** See {@link ActorTraces#dropBucketsBefore}. */
  boolean dropBucketsBefore(long bucketStartSec) {
    KeyRange range = TracesKeys.buckets(0, bucketStartSec);
    if (actor.first(range, false) == null) {
      return false;
    }
    actor.commit(actor.batch().deleteRange(range));
    return true;
  }

  static long nowNanos(InstantSource clock) {
    java.time.Instant now = clock.instant();
    return Math.addExact(Math.multiplyExact(now.getEpochSecond(), 1_000_000_000L), now.getNano());
  }
}
