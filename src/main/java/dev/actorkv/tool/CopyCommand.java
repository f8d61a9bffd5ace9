package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.CopyMarkers;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOpenHook;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keyspace copy SRC DST [--actor ID]... [--batch-size N] [--replace]}: copies actors between two
 * stores, either engine on each side. SRC is read from one consistent snapshot (it may be in use); each
 * actor lands in DST in batches of at most N keys, each one atomic commit, so one huge actor never needs
 * one huge transaction. An actor that takes more than one batch carries the "copy in progress" marker
 * ({@link CopyMarkers}) in its metadata from its first commit until the commit of its last batch, which
 * clears it: until then export, dump and check report it incomplete and the migrating open hook refuses
 * it, so DST never shows an actor copied halfway as if it were complete. A run that was interrupted
 * completes when run again: actors already copied are found identical and skipped, an actor left
 * marked is copied again from its first key (the source may have changed since).
 */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    description = "Copies actors (all, or those named) from SRC to DST, either a directory or a postgresql:// URI on"
        + " each side. Each actor (keys and alarms) is written in batches of at most --batch-size keys, each one atomic commit;"
        + " an actor taking more than one batch is marked incomplete in DST until its last batch lands (export,"
        + " dump and check report it; a rerun copies it again), so none is ever visible half-copied. The result"
        + " is byte-identical (export prints the same on both sides). An actor DST already holds with the same"
        + " data is skipped; with other data it is refused (exit 1) unless --replace. Prints one JSON line per actor:"
        + " {\"actor\":…,\"status\":\"copied|identical|replaced|refused\",\"keys\":N,\"bytes\":N}.")
final class CopyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin LeaseMixin lease = new LeaseMixin();

  @Parameters(index = "0", paramLabel = "SRC", description = "the store to read: a directory, or a postgresql:// URI")
  String src;

  @Parameters(index = "1", paramLabel = "DST", description = "the store to write (created when missing)")
  String dst;

  @Option(names = "--actor", paramLabel = "ID", description = "copy this actor (repeatable); default: every actor")
  List<String> actors;

  @Option(names = "--replace", description = "replace an actor DST holds with other data")
  boolean replace;

  /** Keys per commit by default: one commit stays small, the per-commit cost stays a small share. */
  static final int DEFAULT_BATCH_SIZE = 1000;
  /** A batch also ends once its keys and values reach this many bytes, whatever --batch-size says. */
  static final long MAX_BATCH_BYTES = 8L << 20;

  @Option(names = "--batch-size", paramLabel = "N",
      description = "keys per atomic commit in DST (default " + DEFAULT_BATCH_SIZE + "; a batch also ends at 8 MiB)")
  int batchSize = DEFAULT_BATCH_SIZE;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new Errors.UserError("--batch-size must be at least 1, not " + batchSize);
    }
    int refused = 0;
    // Both sides without the refusal of unfinished copies: SRC's unfinished actors are read as they are
    // (by the snapshot, never through actor(id)), and DST's are this command's to complete.
    try (ActorStore from = StoreAccess.openForReading(src, ActorOpenHook.NONE);
        ActorStore to = StoreAccess.openForWriting(dst, lease, ActorOpenHook.NONE);
        ActorStore.StoreSnapshot snapshot = from.snapshot()) {
      List<String> ids;
      if (actors == null || actors.isEmpty()) {
        ids = snapshot.actorIds();
      } else {
        for (String id : actors) {
          StoreAccess.checkActorId(from, id);
        }
        ids = actors;
      }
      CopyProgress progress = new CopyProgress(err, System.console() != null);
      for (String id : ids) {
        Result r = copy(snapshot, to.actor(id), from.location(), progress);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("actor", id);
        line.put("status", r.status());
        line.put("keys", r.keys());
        line.put("bytes", r.bytes());
        out.println(Json.write(line));
        out.flush();
        if (r.status().equals("refused")) {
          refused++;
          err.println("actor " + Json.quote(id) + " exists in " + to.location()
              + " with other data: not copied (--replace replaces it)");
        }
        progress.actorDone();
      }
      progress.done();
    }
    return refused == 0 ? 0 : Errors.FAILED;
  }

  record Result(String status, long keys, long bytes) {}

  private Result copy(ActorStore.StoreSnapshot snapshot, ActorKeyspace target, String source, CopyProgress progress) {
    String id = target.actorId();
    boolean unfinished = CopyMarkers.unfinishedCopySource(target.metadata()) != null;
    int comparison = unfinished ? DIFFERENT : compare(snapshot, target);
    if (comparison == IDENTICAL) {
      long[] size = size(snapshot, id);
      return new Result("identical", size[0], size[1]);
    }
    if (comparison == DIFFERENT && !replace && !unfinished) {
      return new Result("refused", 0, 0);
    }
    // Batch after batch in key order. The first batch clears what DST held (an earlier actor, or the
    // part an interrupted copy left); when more batches follow it, it also sets the marker, and the last
    // batch sets SRC's metadata (which has no marker unless SRC's actor is itself an unfinished copy) in
    // the same commit as the last keys.
    byte[] sourceMetadata = snapshot.metadata(id);
    ActorBatch batch = target.batch();
    if (comparison == DIFFERENT) {
      batch.deleteRange(KeyRange.all());
    }
    boolean marked = unfinished;
    long keys = 0;
    long bytes = 0;
    int inBatch = 0;
    long batchBytes = 0;
    try (KeyValueIterator it = snapshot.iterator(id, KeyRange.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        batch.put(kv.key(), kv.value());
        long size = kv.key().length + kv.value().length;
        keys++;
        bytes += size;
        inBatch++;
        batchBytes += size;
        progress.key(size);
        if ((inBatch >= batchSize || batchBytes >= MAX_BATCH_BYTES) && it.hasNext()) {
          if (!marked) {
            batch.setMetadata(CopyMarkers.begin(sourceMetadata, source));
            marked = true;
          }
          target.commit(batch);
          batch = target.batch();
          inBatch = 0;
          batchBytes = 0;
        }
      }
    }
    // Its alarms in the last batch's write (they are actor state); replacing drops the target's other alarms.
    List<Alarm> alarms = snapshot.alarms(id);
    if (comparison == DIFFERENT) {
      java.util.Set<String> names = new java.util.HashSet<>();
      alarms.forEach(a -> names.add(a.name()));
      for (Alarm a : target.alarms()) {
        if (!names.contains(a.name())) {
          batch.deleteAlarm(a.name());
        }
      }
    }
    alarms.forEach(batch::setAlarm);
    if (marked || !Arrays.equals(orEmpty(sourceMetadata), orEmpty(target.metadata()))) {
      batch.setMetadata(orEmpty(sourceMetadata));
    }
    target.commit(batch);
    return new Result(comparison == DIFFERENT && !unfinished ? "replaced" : "copied", keys, bytes);
  }

  private static final int IDENTICAL = 0;
  private static final int ABSENT = 1;
  private static final int DIFFERENT = 2;

  private static byte[] orEmpty(byte[] metadata) {
    return metadata == null ? new byte[0] : metadata;
  }

  /** Whether DST holds the actor with the same entries, alarms and metadata, none, or others. */
  private static int compare(ActorStore.StoreSnapshot snapshot, ActorKeyspace target) {
    List<Alarm> theirAlarms = target.alarms();
    try (KeyValueIterator theirs = target.iterator(KeyRange.all(), false)) {
      if (!theirs.hasNext() && theirAlarms.isEmpty()) {
        return ABSENT;
      }
      if (!theirAlarms.equals(snapshot.alarms(target.actorId()))
          || !Arrays.equals(orEmpty(target.metadata()), orEmpty(snapshot.metadata(target.actorId())))) {
        return DIFFERENT;
      }
      try (KeyValueIterator ours = snapshot.iterator(target.actorId(), KeyRange.all(), false)) {
        while (ours.hasNext() && theirs.hasNext()) {
          KeyValue a = ours.next();
          KeyValue b = theirs.next();
          if (!Arrays.equals(a.key(), b.key()) || !Arrays.equals(a.value(), b.value())) {
            return DIFFERENT;
          }
        }
        return ours.hasNext() || theirs.hasNext() ? DIFFERENT : IDENTICAL;
      }
    }
  }

  private static long[] size(ActorStore.StoreSnapshot snapshot, String id) {
    long[] out = new long[2];
    try (KeyValueIterator it = snapshot.iterator(id, KeyRange.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        out[0]++;
        out[1] += kv.key().length + kv.value().length;
      }
    }
    return out;
  }

  /** Actors, keys, bytes and rate on one line of stderr, only on a terminal; redrawn four times a second. */
  private static final class CopyProgress {
    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastDraw = start;
    private long actors;
    private long keys;
    private long bytes;
    private boolean drawn;

    CopyProgress(PrintWriter err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    void key(long size) {
      keys++;
      bytes += size;
      if ((keys & 0x3ff) == 0) {
        draw();
      }
    }

    void actorDone() {
      actors++;
      draw();
    }

    private void draw() {
      long now = System.nanoTime();
      if (!enabled || now - lastDraw < 250_000_000L) {
        return;
      }
      lastDraw = now;
      double seconds = Math.max(1e-9, (now - start) / 1e9);
      err.printf("\rcopy: %d actors, %d keys, %d bytes, %.0f keys/s", actors, keys, bytes, keys / seconds);
      err.flush();
      drawn = true;
    }

    void done() {
      if (drawn) {
        err.print("\r\033[K");
        err.flush();
      }
    }
  }
}
