package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
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
 * {@code keyspace copy SRC DST [--actor ID]... [--replace]}: copies actors between two stores, either
 * engine on each side. SRC is read from one consistent snapshot (it may be in use); each actor lands in
 * DST in one atomic commit, so DST never shows an actor copied halfway, and a run that was interrupted
 * completes when run again (actors already copied are found identical and skipped).
 */
@Command(
    name = "copy",
    mixinStandardHelpOptions = true,
    description = "Copies actors (all, or those named) from SRC to DST, either a directory or a postgresql:// URI on"
        + " each side. Each actor, keys and alarms, is written in one atomic commit: byte-identical (export prints the same on both"
        + " sides), never visible half-copied. An actor DST already holds with the same data is skipped; with other"
        + " data it is refused (exit 1) unless --replace. Prints one JSON line per actor:"
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

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int refused = 0;
    try (ActorStore from = StoreAccess.openForReading(src);
        ActorStore to = StoreAccess.openForWriting(dst, lease);
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
        Result r = copy(snapshot, to.actor(id), progress);
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

  private Result copy(ActorStore.StoreSnapshot snapshot, ActorKeyspace target, CopyProgress progress) {
    String id = target.actorId();
    int comparison = compare(snapshot, target);
    if (comparison == IDENTICAL) {
      long[] size = size(snapshot, id);
      return new Result("identical", size[0], size[1]);
    }
    if (comparison == DIFFERENT && !replace) {
      return new Result("refused", 0, 0);
    }
    // One batch, one atomic commit: DST shows the actor as it was, or complete.
    ActorBatch batch = target.batch();
    if (comparison == DIFFERENT) {
      batch.deleteRange(KeyRange.all());
    }
    long keys = 0;
    long bytes = 0;
    try (KeyValueIterator it = snapshot.iterator(id, KeyRange.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        batch.put(kv.key(), kv.value());
        keys++;
        bytes += kv.key().length + kv.value().length;
        progress.key(kv.key().length + kv.value().length);
      }
    }
    // Its alarms in the same write (they are actor state); replacing drops the target's other alarms.
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
    target.commit(batch);
    return new Result(comparison == DIFFERENT ? "replaced" : "copied", keys, bytes);
  }

  private static final int IDENTICAL = 0;
  private static final int ABSENT = 1;
  private static final int DIFFERENT = 2;

  /** Whether DST holds the actor with the same entries and alarms, none, or others. */
  private static int compare(ActorStore.StoreSnapshot snapshot, ActorKeyspace target) {
    List<Alarm> theirAlarms = target.alarms();
    try (KeyValueIterator theirs = target.iterator(KeyRange.all(), false)) {
      if (!theirs.hasNext() && theirAlarms.isEmpty()) {
        return ABSENT;
      }
      if (!theirAlarms.equals(snapshot.alarms(target.actorId()))) {
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
