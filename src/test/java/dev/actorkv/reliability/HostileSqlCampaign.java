package dev.actorkv.reliability;

import dev.actorkv.testing.ChildJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Runs hostile SQL in child JVMs ({@link HostileSqlChild}) and judges it: a script may be refused with a
 * typed {@code SqliteException} or run; it may not crash the JVM, fail untyped, damage the attacker's or
 * the victim's database, change process-wide settings, or leave a file outside the store (in a watched
 * outside directory or in the child's working directory). A child that dies is restarted after the
 * input it died on, which is recorded as a crash.
 */
final class HostileSqlCampaign {
  private HostileSqlCampaign() {}

  /** What one input did: OK, REFUSED, VIOLATION (the child's checks) or CRASH (the JVM died). */
  record Outcome(long index, String outcome, String detail) {
    boolean escaped() {
      return outcome.equals("VIOLATION") || outcome.equals("CRASH");
    }
  }

  /** Runs every named vector once, in one child (more after a crash), on a RocksDB store in {@code dir}. */
  static List<Outcome> runVectors(Path dir) throws IOException, InterruptedException {
    return runVectors(dir, Files.createDirectories(dir.resolve("store")).toString());
  }

  /**
   * Runs every named vector once on the store at {@code store} (a directory or a {@code postgresql://}
   * URI); {@code dir} holds the watched directories and the children's logs.
   */
  static List<Outcome> runVectors(Path dir, String store) throws IOException, InterruptedException {
    return run(dir, store, List.of("vectors"), 0, HostileSql.VECTORS.size(), HostileSql.VECTORS.size());
  }

  /** Runs {@code inputs} random scripts of the fragment grammar, {@code perChild} per child JVM, on RocksDB. */
  static FuzzCampaign.Result runRandom(Path dir, long seed, long inputs, int perChild) throws IOException, InterruptedException {
    return runRandom(dir, Files.createDirectories(dir.resolve("store")).toString(), seed, inputs, perChild);
  }

  /** Like {@link #runRandom(Path, long, long, int)} on the store at {@code store} (a directory or a URI). */
  static FuzzCampaign.Result runRandom(Path dir, String store, long seed, long inputs, int perChild)
      throws IOException, InterruptedException {
    List<Outcome> outcomes = run(dir, store, List.of("random", Long.toString(seed)), 0, inputs, perChild);
    long ok = 0;
    long refused = 0;
    List<Violation> violations = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.outcome().equals("OK")) {
        ok++;
      } else if (o.outcome().equals("REFUSED")) {
        refused++;
      } else {
        String script = o.index() < 0 ? "" : HostileSql.randomScript(seed, o.index());
        violations.add(Violation.of("hostile SQL", seed, o.index(), o.outcome() + ": " + o.detail(),
            script.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return new FuzzCampaign.Result("hostile SQL (fragment grammar)", seed, outcomes.stream().filter(o -> o.index() >= 0).count(),
        ok, refused, List.copyOf(violations));
  }

  /**
   * The vectors' outcomes judged against their expectations: a refused vector that ran is a violation
   * too. Returns one line per violation.
   */
  static List<String> judgeVectors(List<Outcome> outcomes) {
    List<String> problems = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.index() < 0) {
        problems.add(o.outcome() + ": " + o.detail());
        continue;
      }
      HostileSql.Vector v = HostileSql.VECTORS.get((int) o.index());
      if (o.escaped()) {
        problems.add(v.name() + ": " + o.outcome() + ": " + o.detail());
      } else if (v.expect() == HostileSql.Expect.REFUSED && !o.outcome().equals("REFUSED")) {
        problems.add(v.name() + ": ran (" + o.detail() + ") but must be refused");
      }
    }
    return problems;
  }

  private static List<Outcome> run(Path dir, String store, List<String> mode, long from, long to, long perChild)
      throws IOException, InterruptedException {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path sandbox = Files.createDirectories(dir.resolve("sandbox"));
    Path logs = Files.createDirectories(dir.resolve("logs"));
    Set<String> outsideBefore = HostileSqlChild.listing(outside);
    Set<String> sandboxBefore = HostileSqlChild.listing(sandbox);
    List<Outcome> outcomes = new ArrayList<>();
    long next = from;
    int child = 0;
    while (next < to) {
      long end = Math.min(to, next + perChild);
      Path stdout = logs.resolve("child-" + (child++) + ".out");
      List<String> args = new ArrayList<>(List.of(store, outside.toString()));
      args.addAll(mode);
      args.add(Long.toString(next));
      args.add(Long.toString(end));
      int exit;
      try (ChildJvm jvm = ChildJvm.start(HostileSqlChild.class, sandbox, stdout, args.toArray(String[]::new))) {
        try {
          exit = jvm.waitFor(120 + (end - next) * 10, TimeUnit.SECONDS);
        } catch (IllegalStateException hang) {
          exit = -1; // killed after the time limit: the input it was running hung
        }
      }
      long begun = -1;
      long lastEnded = next - 1;
      for (String line : Files.readAllLines(stdout, StandardCharsets.UTF_8)) {
        String[] f = line.split("\t", 4);
        if (f[0].equals("BEGIN")) {
          begun = Long.parseLong(f[1]);
        } else if (f[0].equals("END") && f.length == 4) {
          lastEnded = Long.parseLong(f[1]);
          outcomes.add(new Outcome(lastEnded, f[2], f[3]));
        }
      }
      if (begun > lastEnded) {
        outcomes.add(new Outcome(begun, "CRASH", "the JVM died (exit code " + exit + "): " + tail(Path.of(stdout + ".err"))));
        next = begun + 1;
      } else if (lastEnded < end - 1) {
        outcomes.add(new Outcome(-1, "CRASH", "the child stopped before input " + (lastEnded + 1) + " (exit code " + exit + "): "
            + tail(Path.of(stdout + ".err"))));
        next = lastEnded + 2; // skip the input it never reached to make progress
      } else {
        if (exit != 0) {
          outcomes.add(new Outcome(-1, "CRASH", "the child exited with " + exit + ": " + tail(Path.of(stdout + ".err"))));
        }
        next = end;
      }
    }
    Set<String> outsideNow = HostileSqlChild.listing(outside);
    Set<String> sandboxNow = HostileSqlChild.listing(sandbox);
    if (!outsideNow.equals(outsideBefore) || !sandboxNow.equals(sandboxBefore)) {
      Set<String> appeared = new TreeSet<>(outsideNow);
      appeared.removeAll(outsideBefore);
      Set<String> inSandbox = new TreeSet<>(sandboxNow);
      inSandbox.removeAll(sandboxBefore);
      outcomes.add(new Outcome(-1, "VIOLATION", "files appeared outside the store: " + appeared + " " + inSandbox));
    }
    return outcomes;
  }

  private static String tail(Path file) {
    try {
      String s = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
      s = s.strip().replace('\n', ' ');
      return s.length() > 400 ? "..." + s.substring(s.length() - 400) : s;
    } catch (IOException e) {
      return "(no stderr: " + e.getMessage() + ")";
    }
  }
}
