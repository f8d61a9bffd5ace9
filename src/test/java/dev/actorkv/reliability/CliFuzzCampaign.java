package dev.actorkv.reliability;

import dev.actorkv.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Fuzzes the {@code keyspace} tool (random command lines, or hostile {@code import} files) in a child JVM
 * whose working directory is a scratch directory, and collects its violations: an exit code other than
 * 0, 1 or 2, a stack trace or untyped error on stderr, a failure without a message, a failed import that
 * changed the actor, a successful one that does not match its file, or a hang (the child is killed).
 */
final class CliFuzzCampaign {
  private CliFuzzCampaign() {}

  static FuzzCampaign.Result run(String mode, Path scratch, long seed, long count, Duration timeout)
      throws IOException, InterruptedException {
    String name = switch (mode) {
      case "argv" -> "CLI arguments";
      case "import" -> "import files";
      default -> "CLI arguments and import files";
    };
    Path work = Files.createDirectories(scratch.resolve("cli-" + mode + "-" + seed));
    Path out = scratch.resolve("cli-" + mode + "-" + seed + ".out");
    List<Violation> violations = new ArrayList<>();
    try (ChildJvm child = ChildJvm.start(CliFuzzWorkload.class, work, out, mode, Long.toString(seed), Long.toString(count))) {
      if (!child.process().waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        child.kill9();
        violations.add(new Violation(name, seed, -1, "hang: not done after " + timeout.toSeconds() + " s", ""));
      } else if (child.process().exitValue() != 0) {
        violations.add(new Violation(name, seed, -1, "fuzzing child exited with " + child.process().exitValue() + ": "
            + Files.readString(Path.of(out + ".err")).lines().filter(l -> !l.startsWith("WARNING")).limit(5).toList(), ""));
      }
    }
    long runs = 0;
    long zero = 0;
    long nonZero = 0;
    for (String line : Files.readAllLines(out)) {
      String[] f = line.split("\t", 4);
      if (f[0].equals("V") && f.length == 4) {
        violations.add(new Violation(name, seed, Long.parseLong(f[1]), f[3], f[2]));
      } else if (f[0].equals("DONE")) {
        runs = Long.parseLong(f[1]);
        zero = Long.parseLong(f[2]);
        nonZero = Long.parseLong(f[3]);
      }
    }
    return new FuzzCampaign.Result(name, seed, runs, zero, nonZero, List.copyOf(violations));
  }
}
