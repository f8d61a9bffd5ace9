package dev.actorkv.reliability;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.tool.CliProcess;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Failed output (issue 16: {@code export > /dev/full} exited 0 with an empty "backup", and so did dump,
 * check, sql, tuple pack and batch key encode): every command of the {@code keyspace} tool, run as a real
 * process, with its standard output on a full device, on a pipe whose reader is gone before the first
 * byte, or on a pipe whose reader goes away after some bytes of a large output; and {@code export --out}
 * onto every kind of path (a symlink, a dangling one, a FIFO read whole or cut short, a device, a full
 * device, a full file system over an existing file, a directory, a missing parent).
 *
 * <p>A failed write must fail the run: exit status 1, {@code keyspace: cannot write ...: <reason>} on
 * stderr, no stack trace or class name; a command that only reads leaves every store file as it was; a
 * replaced file on a full file system keeps its old content and no temporary file is left. Where the
 * output can be written (a link, a FIFO read whole, {@code /dev/null}) the run exits 0 with exactly the
 * content a plain export writes, and the path stays what it was.
 */
final class FailedOutputCampaign {
  /** Where standard output goes. */
  enum Sink {
    /** {@code /dev/full}: every write fails with ENOSPC. */
    FULL,
    /** A pipe whose read end is closed before the command starts: the first write fails with EPIPE. */
    CLOSED_PIPE,
    /** A pipe read for a while (64 KiB, 1 MiB) and then closed, for the commands with large outputs. */
    CUT_PIPE
  }

  /** One command line; {@code large}: its output is well over a pipe's buffer; {@code readOnly}: changes no store file. */
  record Command(String name, List<String> args, File stdin, boolean large, boolean readOnly) {}

  record Result(int cases, int failedAsRequired, int wroteAsRequired, List<String> skipped, List<String> violations,
      Duration took) {}

  private static final long[] CUTS = {64 * 1024, 1024 * 1024};

  private final Path work;
  private final Path db;
  private final List<Command> commands = new ArrayList<>();
  private int dstCounter;
  private int cases;
  private int failedAsRequired;
  private int wroteAsRequired;
  private final List<String> skipped = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();

  FailedOutputCampaign(Path work) throws IOException, InterruptedException {
    this.work = work;
    this.db = work.resolve("db");
    prepare();
  }

  /** The demo store plus an actor {@code big} whose export is ~4 MB; batch inputs of ~100 000 lines. */
  private void prepare() throws IOException, InterruptedException {
    CliProcess.Result demo = CliProcess.run(new File("/dev/null"), new File("/dev/null"), "demo", db.toString());
    if (demo.exitCode() != 0) {
      throw new IllegalStateException("demo failed: " + demo.err());
    }
    try (ActorStore store = ActorStore.open(db)) {
      ActorKeyspace big = store.actor("big");
      ActorBatch batch = big.batch();
      SplittableRandom random = new SplittableRandom(16);
      for (int i = 0; i < 6000; i++) {
        byte[] value = new byte[300];
        random.nextBytes(value);
        batch.put(ActorKeys.userKv(("key-" + i).getBytes(StandardCharsets.UTF_8)), value);
      }
      big.commit(batch);
    }
    String hexKey = HexFormat.of().formatHex(ActorKeys.persistedData());
    File tuples = lines("tuples.txt", i -> "[" + i + ",\"tuple line " + i + "\"]", 100_000);
    // Every output below is megabytes: more than a cut pipe's reader takes plus the pipe's buffer.
    File packed = lines("packed.txt", i -> "02" + "41".repeat(100) + "00", 100_000);
    File keys = lines("keys.txt", i -> hexKey, 100_000);
    File keyJson = lines("key-json.txt", i -> "{\"namespace\":\"connection\",\"conn_id\":\"connection-" + i + "\"}", 100_000);
    File script = Files.writeString(work.resolve("script.sql"),
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c LIMIT 200000) SELECT i, 'row of the large select' FROM c;\n")
        .toFile();
    String d = db.toString();
    File none = new File("/dev/null");
    add("tuple pack (argument)", none, false, true, "tuple", "pack", "[1,\"a\"]");
    add("tuple pack (batch)", tuples, true, true, "tuple", "pack");
    add("tuple unpack (argument)", none, false, true, "tuple", "unpack", "1501");
    add("tuple unpack (batch)", packed, true, true, "tuple", "unpack");
    add("key describe (argument)", none, false, true, "key", "describe", hexKey);
    add("key describe (batch)", keys, true, true, "key", "describe");
    add("key encode (argument)", none, false, true, "key", "encode", "{\"namespace\":\"persisted_data\"}");
    add("key encode (batch)", keyJson, true, true, "key", "encode");
    add("demo", none, false, false, "demo", d);
    add("dump (the tree of actors)", none, false, true, "dump", d);
    add("dump --json --values", none, true, true, "dump", d, "--json", "--values");
    add("export", none, true, true, "export", d, "--actor", "big");
    add("check", none, false, true, "check", d);
    add("sql (argument)", none, false, false, "sql", d, "--actor", "demo-actor", "SELECT 1");
    add("sql (script, 200000 rows)", script, true, false, "sql", d, "--actor", "sql-reader");
    add("migrate --dry-run", none, false, true, "migrate", d, "--dry-run");
    add("repair (nothing to repair)", none, false, false, "repair", d);
    add("copy", none, false, true, "copy", d, "${dst}");
    add("--help", none, false, true, "--help");
    add("--version", none, false, true, "--version");
  }

  private interface LineOf {
    String line(int i);
  }

  private File lines(String name, LineOf line, int n) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(line.line(i)).append('\n');
    }
    return Files.writeString(work.resolve(name), sb.toString()).toFile();
  }

  private void add(String name, File stdin, boolean large, boolean readOnly, String... args) {
    commands.add(new Command(name, List.of(args), stdin, large, readOnly));
  }

  List<Command> commands() {
    return List.copyOf(commands);
  }

  /** Runs every command with its output on each of {@code sinks}. */
  FailedOutputCampaign runCommands(List<Sink> sinks) throws IOException, InterruptedException {
    return runCommands(sinks, false);
  }

  /** Runs the commands (only those with large, streamed outputs when {@code onlyLarge}) on each of {@code sinks}. */
  FailedOutputCampaign runCommands(List<Sink> sinks, boolean onlyLarge) throws IOException, InterruptedException {
    for (Sink sink : sinks) {
      for (Command c : commands) {
        if (onlyLarge && !c.large()) {
          continue;
        }
        if (sink == Sink.CUT_PIPE) {
          if (c.large()) {
            for (long cut : CUTS) {
              runCommand(c, sink, cut);
            }
          }
        } else {
          runCommand(c, sink, 0);
        }
      }
    }
    return this;
  }

  private List<String> argsOf(Command c) {
    List<String> args = new ArrayList<>();
    for (String a : c.args()) {
      args.add(a.equals("${dst}") ? work.resolve("dst-" + (dstCounter++)).toString() : a);
    }
    return args;
  }

  private void runCommand(Command c, Sink sink, long cut) throws IOException, InterruptedException {
    String what = c.name() + " > " + (sink == Sink.CUT_PIPE ? "pipe closed after " + cut + " bytes" : sink);
    Map<String, String> before = c.readOnly() ? storeFiles(db) : null;
    List<String> cmd = CliProcess.command(List.of());
    cmd.addAll(argsOf(c));
    Path err = work.resolve("err.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(c.stdin()).redirectError(err.toFile());
    if (sink == Sink.FULL) {
      pb.redirectOutput(new File("/dev/full"));
    }
    Process p = pb.start();
    if (sink == Sink.CLOSED_PIPE) {
      p.getInputStream().close(); // the reader went away before the first byte
    } else if (sink == Sink.CUT_PIPE) {
      readThenClose(p.getInputStream(), cut);
    }
    cases++;
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      violations.add(what + ": did not finish in 300 s");
      return;
    }
    String stderr = Files.readString(err, StandardCharsets.UTF_8);
    String reason = sink == Sink.FULL ? "No space left on device" : "Broken pipe";
    judgeFailure(what, p.exitValue(), stderr, "keyspace: cannot write output: " + reason);
    if (before != null && !before.equals(storeFiles(db))) {
      violations.add(what + ": a reading command changed store files");
    }
  }

  private static void readThenClose(InputStream in, long bytes) throws IOException {
    byte[] buffer = new byte[8192];
    long read = 0;
    while (read < bytes) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, bytes - read));
      if (n < 0) {
        break;
      }
      read += n;
    }
    in.close();
  }

  private void judgeFailure(String what, int exit, String stderr, String expected) {
    if (exit != 1) {
      violations.add(what + ": exit " + exit + ", expected 1: " + oneLine(stderr));
    } else if (!stderr.contains(expected)) {
      violations.add(what + ": stderr does not say \"" + expected + "\": " + oneLine(stderr));
    } else if (leaksInternals(stderr)) {
      violations.add(what + ": stderr shows internals: " + oneLine(stderr));
    } else {
      failedAsRequired++;
    }
  }

  private static boolean leaksInternals(String stderr) {
    return stderr.contains("\tat ") || stderr.contains("Exception") || stderr.contains("java.") || stderr.contains("Error:");
  }

  // ------------------------------------------------------------------ export --out

  /** Runs {@code export --out} onto every kind of path; {@code fullFileSystem}: also onto a full tmpfs (needs mount). */
  FailedOutputCampaign runExportTargets(boolean fullFileSystem) throws IOException, InterruptedException {
    Path targets = Files.createDirectories(work.resolve("targets"));
    Path reference = targets.resolve("reference.jsonl");
    CliProcess.Result ref = export("big", reference);
    if (ref.exitCode() != 0) {
      throw new IllegalStateException("export to a regular file failed: " + ref.err());
    }
    String expected = Files.readString(reference);

    Path target = Files.writeString(targets.resolve("link-target.jsonl"), "old\n");
    Path link = Files.createSymbolicLink(targets.resolve("link.jsonl"), target.getFileName());
    judgeWritten("export --out a symlink", export("big", link), expected, target,
        () -> Files.isSymbolicLink(link) ? null : "the link was replaced");

    Path dangling = Files.createSymbolicLink(targets.resolve("dangling.jsonl"), Path.of("created.jsonl"));
    judgeWritten("export --out a dangling symlink", export("big", dangling), expected, targets.resolve("created.jsonl"),
        () -> Files.isSymbolicLink(dangling) ? null : "the link was replaced");

    Path fifo = mkfifo(targets.resolve("whole.fifo"));
    CompletableFuture<byte[]> whole = CompletableFuture.supplyAsync(() -> readAll(fifo));
    CliProcess.Result r = export("big", fifo);
    cases++;
    String got = new String(whole.join(), StandardCharsets.UTF_8);
    if (r.exitCode() != 0 || !got.equals(expected) || Files.isRegularFile(fifo)) {
      violations.add("export --out a FIFO read whole: exit " + r.exitCode() + ", " + got.length() + " of " + expected.length()
          + " bytes, still a FIFO: " + !Files.isRegularFile(fifo) + "; " + oneLine(r.err()));
    } else {
      wroteAsRequired++;
    }

    Path cutFifo = mkfifo(targets.resolve("cut.fifo"));
    CompletableFuture<Void> cutReader = CompletableFuture.runAsync(() -> {
      try (InputStream in = Files.newInputStream(cutFifo)) {
        readThenClose(in, 64 * 1024);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    r = export("big", cutFifo);
    cutReader.join();
    cases++;
    judgeFailure("export --out a FIFO whose reader goes away", r.exitCode(), r.err(), "keyspace: cannot write " + cutFifo + ": Broken pipe");

    r = export("big", Path.of("/dev/null"));
    cases++;
    if (r.exitCode() != 0 || Files.isRegularFile(Path.of("/dev/null"))) {
      violations.add("export --out /dev/null: exit " + r.exitCode() + "; " + oneLine(r.err()));
    } else {
      wroteAsRequired++;
    }

    r = export("big", Path.of("/dev/full"));
    cases++;
    judgeFailure("export --out /dev/full", r.exitCode(), r.err(), "keyspace: cannot write /dev/full: No space left on device");

    r = export("big", targets);
    cases++;
    judgeBadArgument("export --out a directory", r, "cannot write " + targets + ": it is a directory");
    Path orphan = targets.resolve("no-such-dir").resolve("out.jsonl");
    r = export("big", orphan);
    cases++;
    judgeBadArgument("export --out in a missing directory", r, "cannot write " + orphan);

    if (fullFileSystem) {
      exportOntoAFullFileSystem();
    }
    return this;
  }

  /**
   * A tmpfs of 256 KiB holding an existing export of 100 KB: the 4 MB export must fail with exit 1,
   * leave the old file whole and no temporary file. Skipped (and reported) where mount is not allowed.
   */
  private void exportOntoAFullFileSystem() throws IOException, InterruptedException {
    Path mount = Files.createDirectories(work.resolve("small-fs"));
    Process m = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", mount.toString())
        .redirectErrorStream(true).start();
    String mountOut = new String(m.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (m.waitFor() != 0) {
      skipped.add("export --out onto a full file system: cannot mount a tmpfs here (" + mountOut + ")");
      return;
    }
    try {
      Path old = mount.resolve("backup.jsonl");
      String oldContent = "{\"old\":\"content\"}\n".repeat(5000);
      Files.writeString(old, oldContent);
      CliProcess.Result r = export("big", old);
      cases++;
      judgeFailure("export --out onto a full file system", r.exitCode(), r.err(),
          "keyspace: cannot write " + old + ": No space left on device");
      if (!Files.readString(old).equals(oldContent)) {
        violations.add("export --out onto a full file system: the old file changed");
      }
      try (Stream<Path> s = Files.list(mount)) {
        List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("backup.jsonl")).toList();
        if (!left.isEmpty()) {
          violations.add("export --out onto a full file system: files left behind: " + left);
        }
      }
    } finally {
      new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor();
    }
  }

  private interface Check {
    String problem() throws IOException;
  }

  private void judgeWritten(String what, CliProcess.Result r, String expected, Path content, Check check) throws IOException {
    cases++;
    String problem = check.problem();
    if (r.exitCode() != 0) {
      violations.add(what + ": exit " + r.exitCode() + ": " + oneLine(r.err()));
    } else if (!Files.readString(content).equals(expected)) {
      violations.add(what + ": " + content + " does not hold the export");
    } else if (problem != null) {
      violations.add(what + ": " + problem);
    } else {
      wroteAsRequired++;
    }
  }

  private void judgeBadArgument(String what, CliProcess.Result r, String expected) {
    if (r.exitCode() != 2 || !r.err().contains(expected) || leaksInternals(r.err())) {
      violations.add(what + ": exit " + r.exitCode() + " (expected 2 and \"" + expected + "\"): " + oneLine(r.err()));
    } else {
      failedAsRequired++;
    }
  }

  private CliProcess.Result export(String actor, Path out) throws IOException, InterruptedException {
    List<String> cmd = CliProcess.command(List.of());
    cmd.addAll(List.of("export", db.toString(), "--actor", actor, "--out", out.toString()));
    return CliProcess.run(new ProcessBuilder(cmd).redirectInput(new File("/dev/null")).redirectOutput(new File("/dev/null")), 300);
  }

  private static Path mkfifo(Path path) throws IOException, InterruptedException {
    if (new ProcessBuilder("mkfifo", path.toString()).inheritIO().start().waitFor() != 0) {
      throw new IOException("mkfifo " + path + " failed");
    }
    return path;
  }

  private static byte[] readAll(Path fifo) {
    try (InputStream in = Files.newInputStream(fifo)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Result result(Duration took) {
    return new Result(cases, failedAsRequired, wroteAsRequired, List.copyOf(skipped), List.copyOf(violations), took);
  }

  /** Every store file's size and content hash; not RocksDB's info logs. */
  private static Map<String, String> storeFiles(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> !f.getFileName().toString().startsWith("LOG")).toList()) {
        out.put(p.getFileName().toString(), Files.size(p) + " " + java.util.Arrays.hashCode(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static String oneLine(String s) {
    String t = s.strip().replace('\n', ' ');
    return t.length() > 300 ? t.substring(0, 300) + "..." : t;
  }
}
