package dev.actorkv.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Collects what the long reliability run did and renders RELIABILITY.md. */
final class ReliabilityReport {
  static final long FUZZ_GOAL = 1_000_000;
  static final int CRASH_GOAL = 1000;

  private final List<FuzzCampaign.Result> fuzz = new ArrayList<>();
  private final List<FaultSweep.Outcome> sweeps = new ArrayList<>();
  private final List<CrashCampaign.Result> crashes = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Violation> sqlVectorProblems = new ArrayList<>();
  private int sqlVectors;
  private final Instant started = Instant.now();

  void add(FuzzCampaign.Result r) {
    fuzz.add(r);
  }

  void addSweeps(List<FaultSweep.Outcome> outcomes) {
    sweeps.addAll(outcomes);
  }

  void add(CrashCampaign.Result r) {
    crashes.add(r);
  }

  /** The named hostile-SQL vectors that were run and what went wrong with them (nothing, normally). */
  void addHostileSqlVectors(int vectors, List<String> problems) {
    sqlVectors = vectors;
    problems.forEach(p -> sqlVectorProblems.add(new Violation("hostile SQL vectors", 0, -1, p, "")));
  }

  void note(String note) {
    notes.add(note);
  }

  List<Violation> violations() {
    List<Violation> all = new ArrayList<>();
    fuzz.forEach(r -> all.addAll(r.violations()));
    sweeps.forEach(o -> all.addAll(o.violations()));
    crashes.forEach(r -> all.addAll(r.violations()));
    all.addAll(sqlVectorProblems);
    return all;
  }

  long fuzzedInputs() {
    return fuzz.stream().mapToLong(FuzzCampaign.Result::inputs).sum();
  }

  int killCycles() {
    return crashes.stream().mapToInt(CrashCampaign.Result::cycles).sum();
  }

  String render(String command) {
    Duration took = Duration.between(started, Instant.now());
    long faults = sweeps.stream().mapToLong(FaultSweep.Outcome::faultsInjected).sum();
    long crashOps = crashes.stream().mapToLong(r -> r.operationsAcknowledged() + r.inFlightApplied()).sum();
    List<Violation> violations = violations();
    StringBuilder md = new StringBuilder();
    md.append("# Reliability report\n\n");
    md.append("Written by the long variant of the reliability suite (`src/test/java/dev/actorkv/reliability`, ")
        .append("class `ReliabilityLongTest`). Run ").append(started.truncatedTo(ChronoUnit.SECONDS))
        .append(", ").append(took.toMinutes()).append(" min ").append(took.toSecondsPart()).append(" s on ")
        .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
        .append(System.getProperty("java.version")).append(".\n\n");
    md.append("Reproduce: `").append(command).append("`\n\n");
    md.append("## Summary\n\n| campaign | reached | goal | violations |\n|---|---:|---:|---:|\n");
    md.append("| SIGKILL crash cycles | ").append(killCycles()).append(" | ").append(CRASH_GOAL).append(" | ")
        .append(crashes.stream().mapToLong(r -> r.violations().size()).sum()).append(" |\n");
    md.append("| fuzzed inputs | ").append(fuzzedInputs()).append(" | ").append(FUZZ_GOAL).append(" | ")
        .append(fuzz.stream().mapToLong(r -> r.violations().size()).sum()).append(" |\n");
    md.append("| injected faults (sweeps) | ").append(faults).append(" | every fault point | ")
        .append(sweeps.stream().mapToLong(o -> o.violations().size()).sum()).append(" |\n\n");
    md.append("**Violations found: ").append(violations.size()).append(".**\n\n");

    md.append("## Crash harness\n\n");
    md.append("A child JVM applies seeded random operations (durable-queue enqueueAll and receive; user KV batches ")
        .append("with range deletes, connection batches with persisted state, state puts, 50-200-key batches, actor deletes) across ")
        .append(CrashOps.ACTORS.size()).append(" actors and appends each operation to an acknowledgement log only ")
        .append("after the call returned; the parent SIGKILLs it at a random moment (10% of cycles at any time from ")
        .append("process start, the rest 0-150 ms after the first acknowledgement), reopens the store and checks: every key ")
        .append("decodes, recorded storage count = scan, every value's checksum holds, the store equals the model after ")
        .append("the acknowledged operations or after those plus the one in flight (never part of it), each queue holds exactly the model's messages in order and opens without repair, and `keyspace check` (in-process) passes.\n\n");
    md.append("| seed | cycles | operations acknowledged | in-flight operations found applied | kills before the first ack | violations |\n")
        .append("|---:|---:|---:|---:|---:|---:|\n");
    for (CrashCampaign.Result r : crashes) {
      md.append("| ").append(r.seed()).append(" | ").append(r.cycles()).append(" | ").append(r.operationsAcknowledged())
          .append(" | ").append(r.inFlightApplied()).append(" | ").append(r.killsBeforeFirstAck()).append(" | ")
          .append(r.violations().size()).append(" |\n");
    }
    md.append("\nOperations verified after kills: ").append(crashOps).append(".\n\n");

    md.append("## Fault injection\n\n");
    md.append("Each operation is run with the k-th write, read or sync failing, for k = 0, 1, ... until it ")
        .append("succeeds; at each k it must fail with a typed `StoreException` and leave memory and the actor's full ")
        .append("on-disk image as before. A simulated full disk (`DiskFullFaults`) is covered by `DiskFullTest`.\n\n");
    Map<String, long[]> byPoint = new TreeMap<>();
    for (FaultSweep.Outcome o : sweeps) {
      long[] a = byPoint.computeIfAbsent(o.point().name(), k -> new long[3]);
      a[0]++;
      a[1] += o.faultsInjected();
      a[2] += o.violations().size();
    }
    md.append("| fault point | operations swept | faults injected | violations |\n|---|---:|---:|---:|\n");
    byPoint.forEach((p, a) -> md.append("| ").append(p).append(" | ").append(a[0]).append(" | ").append(a[1])
        .append(" | ").append(a[2]).append(" |\n"));
    md.append("\nPer operation (fault points = faults injected before the operation succeeded):\n\n")
        .append("| operation | write points | read points | sync points | violations |\n|---|---:|---:|---:|---:|\n");
    Map<String, long[]> byOp = new java.util.LinkedHashMap<>();
    for (FaultSweep.Outcome o : sweeps) {
      if (o.operation().startsWith("random batch")) {
        continue; // summarised below
      }
      long[] a = byOp.computeIfAbsent(o.operation(), k -> new long[4]);
      a[o.point().ordinal()] = o.faultPoints();
      a[3] += o.violations().size();
    }
    byOp.forEach((op, a) -> md.append("| ").append(op).append(" | ").append(a[0]).append(" | ").append(a[1])
        .append(" | ").append(a[2]).append(" | ").append(a[3]).append(" |\n"));
    long randomBatches = sweeps.stream().filter(o -> o.operation().startsWith("random batch")).count() / 3;
    md.append("\nPlus ").append(randomBatches).append(" random multi-key batches (puts, deletes, range deletes) swept the same way.\n");

    md.append("\n## Fuzzing\n\n");
    md.append("Seeded hostile inputs: random bytes, format-aware bytes, mutations of valid samples (bit flips, ")
        .append("byte insert/delete, truncation, extension, splices, overwrites), huge claims (protobuf lengths near ")
        .append("2^31 and 2^63, overlong varints, 100k-deep nesting, megabyte inputs). Only the decoder's typed errors ")
        .append("may come out; every accepted input must pass the decoder's identity check; 2 s budget per input, a ")
        .append("hang stops the campaign.\n\n");
    md.append("| decoder | seed | inputs | accepted | rejected (typed) | violations |\n|---|---:|---:|---:|---:|---:|\n");
    for (FuzzCampaign.Result r : fuzz) {
      md.append("| ").append(r.target()).append(" | ").append(r.seed()).append(" | ").append(r.inputs()).append(" | ")
          .append(r.accepted()).append(" | ").append(r.rejected()).append(" | ").append(r.violations().size()).append(" |\n");
    }
    for (FuzzCampaign.Result r : fuzz) {
      if (r.accepted() == 0 && r.inputs() > 0) {
        notes.add("No " + r.target() + " input was accepted: only the rejection side (typed error, nothing changed) was exercised.");
      }
    }
    if (sqlVectors > 0) {
      md.append("\n## Hostile SQL\n\n");
      md.append("SQL run on an actor's SQLite database may reach that database and nothing else. A child JVM (its ")
          .append("working directory a watched sandbox) runs each script on a fresh attacking actor while another actor's ")
          .append("database is open in the same store, and after each checks, against the state before it: the script was ")
          .append("refused with a typed `SqliteException` or ran harmlessly; the JVM lives; both databases reopen with ")
          .append("`integrity_check` ok; the other actor's rows are unchanged; SQLite's process-wide heap limits are unchanged; ")
          .append("no file appeared outside the store. ").append(sqlVectors).append(" named vectors (`HostileSql.VECTORS`: ")
          .append("fts3_tokenizer pointers, ATTACH and VACUUM INTO with paths, URIs and other VFSes including another actor's, ")
          .append("the own file as a twin, writable_schema, shadow-table writes, load_extension, process-wide pragmas, ")
          .append("resource limits) with ").append(sqlVectorProblems.size()).append(" problems; random scripts from the ")
          .append("grammar of hostile fragments are in the fuzzing table.\n");
    }
    if (!notes.isEmpty()) {
      md.append("\n## Notes\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    md.append("\n## Violations\n\n");
    if (violations.isEmpty()) {
      md.append("None.\n");
    } else {
      violations.stream().limit(100).forEach(v -> md.append("- `").append(v.toString().replace("`", "'")).append("`\n"));
    }
    return md.toString();
  }

  /** Where the hand-kept section on issue 16's four classes starts (its figures come from separate runs). */
  static final String KEPT_SECTION = "\n## The four classes of issue 16\n";
  private static final String VIOLATIONS = "\n## Violations\n";
  /** Heading of the section {@code PostgresFailoverLongTest} writes, at the end; a rewrite keeps it too. */
  static final String FAILOVER_HEADING = "## Failover campaign (PostgreSQL)";

  /**
   * Writes the report; the file's section on issue 16's four classes, if any, is kept before the
   * violations, and its failover section, if any, after them.
   */
  void write(Path file, String command) throws IOException {
    String md = render(command);
    String failover = "";
    if (Files.exists(file)) {
      String old = Files.readString(file, StandardCharsets.UTF_8);
      int from = old.indexOf(KEPT_SECTION);
      int to = from < 0 ? -1 : old.indexOf(VIOLATIONS, from);
      int at = md.lastIndexOf(VIOLATIONS);
      if (from >= 0 && to > from && at >= 0) {
        md = md.substring(0, at) + old.substring(from, to) + md.substring(at);
      }
      int f = old.indexOf(FAILOVER_HEADING);
      failover = f < 0 ? "" : "\n" + old.substring(f);
    }
    Files.writeString(file, md + failover, StandardCharsets.UTF_8);
  }
}
