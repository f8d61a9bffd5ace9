package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long variant of the reliability suite (Maven profile {@code reliability}): many SIGKILL cycles,
 * fault sweeps over many random operations, a million fuzzed inputs; writes RELIABILITY.md and fails
 * when any violation was found. Sizes are system properties so a run can be scaled to the machine:
 * {@code reliability.seed}, {@code reliability.fuzz.inputs} (total over all decoders),
 * {@code reliability.crash.cycles}, {@code reliability.crash.minutes} (stop earlier, reported),
 * {@code reliability.sweep.batches}, {@code reliability.cli.runs} (command lines; a tenth as many import
 * files), {@code reliability.sql.inputs} (random hostile SQL scripts, after the named vectors),
 * {@code reliability.report} (output file).
 */
@Tag("long")
@Tag("reliability")
class ReliabilityLongTest {
  @TempDir Path dir;

  @Test
  void longRun() throws Exception {
    long seed = Long.getLong("reliability.seed", 20261121L);
    long fuzzInputs = Long.getLong("reliability.fuzz.inputs", ReliabilityReport.FUZZ_GOAL);
    int crashCycles = Integer.getInteger("reliability.crash.cycles", ReliabilityReport.CRASH_GOAL);
    long crashMinutes = Long.getLong("reliability.crash.minutes", 60);
    int sweepBatches = Integer.getInteger("reliability.sweep.batches", 100);
    long cliRuns = Long.getLong("reliability.cli.runs", 5000);
    long sqlInputs = Long.getLong("reliability.sql.inputs", 20_000);
    Path reportFile = Path.of(System.getProperty("reliability.report", "target/RELIABILITY.md"));
    String command = "mvn -B -Preliability test -Dreliability.seed=" + seed + " -Dreliability.fuzz.inputs=" + fuzzInputs
        + " -Dreliability.crash.cycles=" + crashCycles + " -Dreliability.crash.minutes=" + crashMinutes
        + " -Dreliability.sweep.batches=" + sweepBatches + " -Dreliability.cli.runs=" + cliRuns
        + " -Dreliability.sql.inputs=" + sqlInputs;
    ReliabilityReport report = new ReliabilityReport();

    try (ActorStore fuzzStore = ActorStore.open(dir.resolve("fuzz-store"))) {
      List<FuzzTarget> pure = new ArrayList<>(FuzzTargets.all());
      pure.addAll(ValueFuzzTargets.pure());
      List<FuzzTarget> inStore = ValueFuzzTargets.inStore(fuzzStore);
      // Decoding through a real store costs two RocksDB writes per input: those targets get 1% each.
      long perStoreTarget = fuzzInputs / 100;
      long perPureTarget = (fuzzInputs - perStoreTarget * inStore.size() + pure.size() - 1) / pure.size();
      List<FuzzTarget> targets = new ArrayList<>(pure);
      targets.addAll(inStore);
      for (int i = 0; i < targets.size(); i++) {
        long n = i < pure.size() ? perPureTarget : perStoreTarget;
        FuzzCampaign.Result r = new FuzzCampaign(targets.get(i), seed + i, n, Duration.ofSeconds(2)).run();
        System.out.printf("fuzz %s: %d inputs, %d accepted, %d rejected, %d violations%n",
            r.target(), r.inputs(), r.accepted(), r.rejected(), r.violations().size());
        report.add(r);
      }
    }

    for (String mode : List.of("argv", "import")) {
      long n = mode.equals("argv") ? cliRuns : Math.max(1, cliRuns / 10);
      FuzzCampaign.Result r = CliFuzzCampaign.run(mode, dir, seed, n, Duration.ofMinutes(30));
      System.out.printf("fuzz %s: %d runs, %d exit 0, %d exit 1/2, %d violations%n",
          r.target(), r.inputs(), r.accepted(), r.rejected(), r.violations().size());
      report.add(r);
    }

    List<String> vectorProblems = HostileSqlCampaign.judgeVectors(HostileSqlCampaign.runVectors(dir.resolve("sql-vectors")));
    report.addHostileSqlVectors(HostileSql.VECTORS.size(), vectorProblems);
    FuzzCampaign.Result sql = HostileSqlCampaign.runRandom(dir.resolve("sql-random"), seed, sqlInputs, 2000);
    System.out.printf("hostile SQL: %d vectors (%d problems), %d random scripts, %d ran, %d refused, %d violations%n",
        HostileSql.VECTORS.size(), vectorProblems.size(), sql.inputs(), sql.accepted(), sql.rejected(), sql.violations().size());
    report.add(sql);

    List<FaultSweep.Outcome> sweeps = new ArrayList<>(new StoreSweeps(dir.resolve("sweeps")).runAll(seed, sweepBatches));
    sweeps.addAll(new ManagerSweeps(dir.resolve("manager-sweeps")).runAll());
    System.out.printf("fault sweeps: %d operation x point sweeps%n", sweeps.size());
    report.addSweeps(sweeps);

    java.nio.file.Files.createDirectories(dir.resolve("crash"));
    CrashCampaign.Result crash = new CrashCampaign(dir.resolve("crash"), seed).run(crashCycles, Duration.ofMinutes(crashMinutes));
    System.out.printf("crash: %d cycles, %d acknowledged, %d in flight applied, %d violations%n",
        crash.cycles(), crash.operationsAcknowledged(), crash.inFlightApplied(), crash.violations().size());
    report.add(crash);
    if (crash.cycles() < crashCycles && crash.violations().isEmpty()) {
      report.note("The crash campaign stopped after " + crash.cycles() + " of " + crashCycles
          + " cycles at its time limit of " + crashMinutes + " min (each cycle starts a JVM and RocksDB on a shared machine).");
    }

    report.write(reportFile, command);
    System.out.println("wrote " + reportFile.toAbsolutePath());
    assertEquals(List.of(), report.violations());
  }
}
