package dev.actorkv.reliability;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.testing.ChildJvm;
import dev.actorkv.tool.ToolRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The crash harness: a child JVM runs {@link CrashWorkload} on a store and is killed with SIGKILL at a
 * random moment, for many cycles. After every kill the parent reopens the store and requires that the
 * store-level invariants hold and {@code keyspace check} passes (every key decodes, recorded storage count equals a scan, every value's
 * checksum is intact), that every acknowledged operation's effect is present, and that the operation in
 * flight is either wholly applied or wholly absent: the store must equal the model after the
 * acknowledged operations, or after those plus the next one. The next child continues from there.
 */
final class CrashCampaign {
  /** What a campaign did. */
  record Result(long seed, int cycles, long operationsAcknowledged, long inFlightApplied, int killsBeforeFirstAck,
      List<Violation> violations) {}

  private final Path root;
  private final long seed;

  CrashCampaign(Path root, long seed) {
    this.root = root;
    this.seed = seed;
  }

  Result run(int cycles) throws IOException, InterruptedException {
    return run(cycles, java.time.Duration.ofDays(1));
  }

  /** Runs up to {@code cycles} kill cycles, stopping early (between cycles) once {@code maxTime} has passed. */
  Result run(int cycles, java.time.Duration maxTime) throws IOException, InterruptedException {
    long stopAt = System.nanoTime() + maxTime.toNanos();
    Path db = root.resolve("crash-db");
    SplittableRandom timing = new SplittableRandom(seed ^ 0x5DEECE66DL);
    CrashModel model = new CrashModel();
    List<Violation> violations = new ArrayList<>();
    long next = 0;
    long acknowledged = 0;
    long inFlightApplied = 0;
    int earlyKills = 0;
    int cycle = 0;
    for (; cycle < cycles && violations.isEmpty() && System.nanoTime() < stopAt; cycle++) {
      Path ack = root.resolve("ack-" + cycle + ".log");
      Files.createFile(ack);
      try (ChildJvm child = ChildJvm.start(CrashWorkload.class, root.resolve("child-" + (cycle % 2) + ".out"),
          db.toString(), ack.toString(), Long.toString(seed), Long.toString(next))) {
        if (timing.nextInt(10) == 0) {
          // Kill at any moment from process start: during JVM start, RocksDB open or WAL recovery.
          Thread.sleep(timing.nextInt(1500));
        } else {
          long deadline = System.nanoTime() + 60_000_000_000L;
          while (Files.size(ack) == 0 && child.process().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
          Thread.sleep(timing.nextInt(150));
        }
        if (!child.process().isAlive()) {
          violations.add(new Violation("crash", seed, cycle, "child exited by itself with code "
              + child.process().exitValue() + ": " + Files.readString(root.resolve("child-" + (cycle % 2) + ".out.err")), ""));
          break;
        }
        child.kill9();
      }
      List<Long> acks = completeLines(ack);
      Files.delete(ack);
      if (acks.isEmpty()) {
        earlyKills++;
      }
      for (int i = 0; i < acks.size(); i++) {
        if (acks.get(i) != next + i) {
          violations.add(new Violation("crash", seed, cycle, "acknowledgement log out of order: " + acks, ""));
          break;
        }
      }
      for (long a : acks) {
        model.apply(CrashOps.op(seed, a));
      }
      acknowledged += acks.size();
      next += acks.size();
      try (ActorStore store = ActorStore.open(db)) {
        String problem = invariantProblem(store);
        if (problem != null) {
          violations.add(new Violation("crash", seed, cycle, "after restart: " + problem, ""));
        }
        String diff = model.differenceFrom(store);
        if (diff != null) {
          CrashModel withInFlight = model.copy();
          withInFlight.apply(CrashOps.op(seed, next));
          String diff2 = withInFlight.differenceFrom(store);
          if (diff2 == null) {
            model = withInFlight; // the unacknowledged operation in flight was applied, wholly
            next++;
            inFlightApplied++;
          } else {
            violations.add(new Violation("crash", seed, cycle, "store is neither the acknowledged state (" + diff
                + ") nor that plus operation " + next + " (" + diff2 + ")", ""));
          }
        }
      }
      // The tool's own verdict: every key decodes, storage counts match, every manager's invariants hold.
      ToolRunner.Result check = ToolRunner.run("", "check", db.toString());
      if (check.exitCode() != 0) {
        violations.add(new Violation("crash", seed, cycle, "keyspace check failed after restart (exit " + check.exitCode()
            + "): " + (check.out() + check.err()).strip(), ""));
      }
    }
    return new Result(seed, cycle, acknowledged, inFlightApplied, earlyKills, List.copyOf(violations));
  }

  /** Store-level invariants of every actor; null when they hold. */
  static String invariantProblem(ActorStore store) {
    for (String id : CrashOps.ACTORS) {
      ActorKeyspace actor = store.actor(id);
      DiskImage image = DiskImage.of(store, id);
      for (KeyValue kv : image.entries()) {
        try {
          KeyDescriber.describe(kv.key());
        } catch (dev.actorkv.keyspace.KeyFormatException | dev.actorkv.tuple.TupleFormatException e) {
          return "actor " + id + ": key does not decode: " + e.getMessage();
        }
      }
      for (KeyValue kv : CrashOps.kvEntries(image)) {
        String bad = CrashOps.checkValue(id, kv.key(), kv.value());
        if (bad != null) {
          return "actor " + id + ": " + bad;
        }
      }
      long scanned = image.scannedStorageBytes();
      if (image.recordedStorageBytes() != -1 && image.recordedStorageBytes() != scanned) {
        return "actor " + id + ": recorded storage " + image.recordedStorageBytes() + " != scanned " + scanned;
      }
      if (actor.storageBytes() != scanned) {
        return "actor " + id + ": storage count " + actor.storageBytes() + " != scanned " + scanned;
      }
    }
    return null;
  }

  /** The indexes on complete lines of an acknowledgement log (a line cut by the kill is not one). */
  private static List<Long> completeLines(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.US_ASCII);
    List<Long> out = new ArrayList<>();
    int start = 0;
    for (int nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      out.add(Long.parseLong(text.substring(start, nl)));
      start = nl + 1;
    }
    return out;
  }
}
