package dev.actorkv.reliability;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.tool.CliProcess;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Oversized input (issue 16: a 64 MB actor id was accepted, a 1M-digit {@code {"int":…}} took 25 s,
 * {@code keyspace sql} was quadratic in its statements, {@code import} held its whole input and died with
 * an OutOfMemoryError and a stack trace under a small heap): every case is a real {@code keyspace} process
 * with a 64 MiB heap ({@code -Xmx64m}), fed over-long actor ids, lines, integers, nesting, SQL statements,
 * many statements and imports larger than its heap.
 *
 * <p>Each must finish (in 300 s), exit with the status its case names, say why on stderr in a bounded
 * message (never echoing the input, never a stack trace or class name), and write nothing when refused:
 * an import is one atomic write, so afterwards the actor holds every entry or none.
 */
final class OversizedInputCampaign {
  /** One case: its command line, standard input, the allowed exit statuses and a check afterwards. */
  record Case(String name, List<String> args, File stdin, Set<Integer> exits, String says, AfterCheck after) {}

  /** What must hold once the process ended; null when it does, else the problem. */
  @FunctionalInterface
  interface AfterCheck {
    String problem(Path db, String stdout) throws IOException;
  }

  record Outcome(String name, int exit, long millis, String problem) {}

  record Result(int cases, int refused, int accepted, List<Outcome> outcomes, List<String> violations, Duration took) {}

  private static final int MAX_MESSAGE = 4096;
  private static final List<String> JVM = List.of("-Xmx64m");

  private final Path work;
  private final Path db;
  private final List<Case> cases = new ArrayList<>();

  OversizedInputCampaign(Path work) throws IOException, InterruptedException {
    this.work = work;
    this.db = work.resolve("db");
    CliProcess.Result demo = CliProcess.run(new File("/dev/null"), new File("/dev/null"), "demo", db.toString());
    if (demo.exitCode() != 0) {
      throw new IllegalStateException("demo failed: " + demo.err());
    }
  }

  /** The cases of the quick variant; {@code importMb}/{@code statementMb}/{@code statements} size the large ones. */
  OversizedInputCampaign addCases(int importMb, int statementMb, int statements) throws IOException {
    String d = db.toString();
    File none = new File("/dev/null");
    File small = lines("small.jsonl", 10, i -> importLine(i, 100));

    // Actor ids: refused by length before anything is done with them.
    String longId = "x".repeat(1025);
    String hugeId = "y".repeat(100_000); // about what one argument may hold (Linux: 128 KiB)
    add("dump --actor <1025-byte id>", none, Set.of(2), "actor id size limit exceeded", null, "dump", d, "--actor", longId);
    add("export --actor <100 KB id>", none, Set.of(2), "actor id size limit exceeded", null, "export", d, "--actor", hugeId);
    add("import --actor <100 KB id>", small, Set.of(2), "actor id size limit exceeded", null, "import", d, "--actor", hugeId);
    add("sql --actor <100 KB id>", none, Set.of(2), "actor id size limit exceeded", null, "sql", d, "--actor", hugeId, "SELECT 1");

    // Lines and numbers: bounded before they are held or parsed; a batch goes on after a bad line (exit 1).
    add("tuple pack: a 2 MB line", text("long-line.txt", "[\"" + "a".repeat(2_000_000) + "\"]\n[1]\n"), Set.of(1),
        "line is longer than", outputLines(2), "tuple", "pack");
    add("tuple pack: an integer of 1M digits", text("int.txt", "[" + "7".repeat(1_000_000) + "]\n"), Set.of(1),
        "Number value length", outputLines(1), "tuple", "pack");
    add("tuple pack: {\"int\"} of 1M digits", text("typed-int.txt", "[{\"int\":\"" + "7".repeat(1_000_000) + "\"}]\n"), Set.of(1),
        "int must be a string of at most", outputLines(1), "tuple", "pack");
    add("tuple pack: nesting 400 000 deep", text("deep.txt", "[".repeat(400_000) + "]".repeat(400_000) + "\n"), Set.of(1),
        "nesting depth", outputLines(1), "tuple", "pack");
    add("key encode: an integer of 900 000 digits",
        text("key-int.txt", "{\"namespace\":\"user_kv\",\"key\":[" + "7".repeat(900_000) + "]}\n"), Set.of(1),
        "Number value length", outputLines(1), "key", "encode");
    add("key describe: a 3 MB hex line", text("long-hex.txt", "02" + "41".repeat(1_500_000) + "\n"), Set.of(1),
        "line is longer than", outputLines(1), "key", "describe");
    add("tuple unpack: a 1 MB tuple (accepted)", text("big-tuple.txt", "01" + "41".repeat(500_000) + "00\n"), Set.of(0),
        "", outputLines(1), "tuple", "unpack");

    // Import: lines bounded, the whole import one atomic write, an input over the heap refused whole.
    add("import: a 50 MB line", lines("import-long-line.jsonl", 1,
        i -> "{\"key\":\"0201\",\"value\":\"" + "00".repeat(25_000_000) + "\"}"), Set.of(2), "line is longer than",
        importedNothing("long-line"), "import", d, "--actor", "long-line", "--in", "${stdin}");
    add("import: /dev/zero (an endless line)", none, Set.of(2), "line is longer than", importedNothing("zero"),
        "import", d, "--actor", "zero", "--in", "/dev/zero");
    int fitting = 85_000; // 20 MB of JSON lines, ~10 MB of entries: fits a 64 MiB heap
    add("import: 20 MB (fits the heap)", lines("import-20mb.jsonl", fitting, i -> importLine(i, 100)), Set.of(0),
        "imported " + fitting + " entries", importedAll("fits", fitting), "import", d, "--actor", "fits", "--in", "${stdin}");
    int over = importMb * 1_000_000 / 240;
    add("import: " + importMb + " MB (over the heap)", lines("import-big.jsonl", over, i -> importLine(i, 100)), Set.of(0, 1),
        "", importedAllOrNothing("big", over), "import", d, "--actor", "big", "--in", "${stdin}");

    // SQL: a statement over the heap fails the run cleanly; many statements run in linear time.
    add("sql: one statement of " + statementMb + " MB",
        text("big-statement.sql", "SELECT 1;\nSELECT length('" + "x".repeat(statementMb * 1_000_000) + "');\n"), Set.of(0, 1),
        "", null, "sql", d, "--actor", "sql-big");
    add("sql: " + statements + " statements", text("many.sql", "SELECT 1;".repeat(statements) + "\n"), Set.of(0), "",
        outputLines(statements), "sql", d, "--actor", "sql-many");
    add("sql: a 100 KB statement as the argument", none, Set.of(0), "", outputLines(1),
        "sql", d, "--actor", "sql-arg", "SELECT length('" + "z".repeat(100_000) + "')");
    // An endless line: the shell holds a statement whole, so it ends at the heap's limit, failing cleanly.
    add("sql: /dev/zero", new File("/dev/zero"), Set.of(1, 2), "", null, "sql", d, "--actor", "sql-zero");
    return this;
  }

  private void add(String name, File stdin, Set<Integer> exits, String says, AfterCheck after, String... args) {
    List<String> a = new ArrayList<>();
    for (String s : args) {
      a.add(s.equals("${stdin}") ? stdin.toString() : s);
    }
    cases.add(new Case(name, a, a.contains(stdin.toString()) ? new File("/dev/null") : stdin, exits, says, after));
  }

  private static String importLine(int i, int valueBytes) {
    byte[] v = new byte[valueBytes];
    new SplittableRandom(i).nextBytes(v);
    return "{\"key\":\"02" + HexFormat.of().formatHex(String.format("c%07d", i).getBytes(StandardCharsets.UTF_8))
        + "\",\"value\":\"" + HexFormat.of().formatHex(v) + "\"}";
  }

  private interface LineOf {
    String line(int i);
  }

  private File lines(String name, int n, LineOf line) throws IOException {
    Path p = work.resolve(name);
    try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
      for (int i = 0; i < n; i++) {
        w.write(line.line(i));
        w.write('\n');
      }
    }
    return p.toFile();
  }

  private File text(String name, String content) throws IOException {
    return Files.writeString(work.resolve(name), content).toFile();
  }

  private static AfterCheck outputLines(int n) {
    return (db, out) -> {
      long lines = out.lines().count();
      if (lines != n) {
        return lines + " output lines, expected " + n;
      }
      return out.lines().anyMatch(l -> l.length() > MAX_MESSAGE && l.startsWith("{\"error\""))
          ? "an error line is not bounded" : null;
    };
  }

  private static long entries(Path db, String actor) {
    try (ActorStore store = ActorStore.open(db, StoreOptions.forReading())) {
      ActorKeyspace a = store.actor(actor);
      return a.scan(KeyRange.all(), Integer.MAX_VALUE).size();
    }
  }

  private static AfterCheck importedNothing(String actor) {
    return (db, out) -> {
      long n = entries(db, actor);
      return n == 0 ? null : "a refused import wrote " + n + " entries";
    };
  }

  private static AfterCheck importedAll(String actor, int expected) {
    return (db, out) -> {
      long n = entries(db, actor);
      return n == expected ? null : "the import wrote " + n + " of " + expected + " entries";
    };
  }

  private static AfterCheck importedAllOrNothing(String actor, int expected) {
    return (db, out) -> {
      long n = entries(db, actor);
      return n == 0 || n == expected ? null : "the import wrote " + n + " of " + expected + " entries (not one atomic write)";
    };
  }

  /** Runs every case added, in order. */
  Result run() throws IOException, InterruptedException {
    long started = System.nanoTime();
    List<Outcome> outcomes = new ArrayList<>();
    List<String> violations = new ArrayList<>();
    int refused = 0;
    int accepted = 0;
    Path out = work.resolve("out.txt");
    Path err = work.resolve("err.txt");
    for (Case c : cases) {
      List<String> cmd = CliProcess.command(JVM);
      cmd.addAll(c.args());
      long t0 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectInput(c.stdin()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        violations.add(c.name() + ": did not finish in 300 s");
        outcomes.add(new Outcome(c.name(), -1, 300_000, "hang"));
        continue;
      }
      long millis = (System.nanoTime() - t0) / 1_000_000;
      int exit = p.exitValue();
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      String stdout = Files.size(out) > 50_000_000 ? "" : Files.readString(out, StandardCharsets.UTF_8);
      String problem = null;
      if (!c.exits().contains(exit)) {
        problem = "exit " + exit + ", expected " + c.exits() + ": " + oneLine(stderr);
      } else if (stderr.length() > MAX_MESSAGE) {
        problem = "stderr is " + stderr.length() + " characters long: " + oneLine(stderr);
      } else if (stderr.contains("\tat ") || stderr.contains("Exception") || stderr.contains("java.")
          || stderr.contains("internal error")) {
        problem = "stderr shows internals: " + oneLine(stderr);
      } else if (!stderr.contains(c.says()) && !stdout.contains(c.says())) {
        problem = "does not say \"" + c.says() + "\": " + oneLine(stderr) + " " + oneLine(stdout);
      } else if (exit == 1 && c.says().isEmpty() && stderr.isBlank() && !stdout.contains("\"error\"")) {
        problem = "exit 1 without a reason";
      } else if (c.after() != null) {
        problem = c.after().problem(db, stdout);
      }
      System.out.printf("oversized input: %s -> exit %d in %d ms%s: %s%n", c.name(), exit, millis,
          problem == null ? "" : " VIOLATION " + problem, oneLine(stderr));
      outcomes.add(new Outcome(c.name(), exit, millis, problem));
      if (problem != null) {
        violations.add(c.name() + ": " + problem);
      } else if (exit == 0) {
        accepted++;
      } else {
        refused++;
      }
    }
    return new Result(cases.size(), refused, accepted, outcomes, violations, Duration.ofNanos(System.nanoTime() - started));
  }

  private static String oneLine(String s) {
    String t = s.strip().replace('\n', ' ');
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
