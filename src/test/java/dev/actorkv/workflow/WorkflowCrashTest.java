package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A child JVM runs a workflow and is killed with SIGKILL at one step boundary (before a step's side
 * effect, after it, and after the step returned); the test JVM then resumes the workflow. It must
 * complete with the same output as an uninterrupted run, and every step body must have run at most
 * once per attempt recorded in its metadata.
 */
class WorkflowCrashTest {
  static final String EXPECTED = "order-7:a:b:i0:i1:i2:c";

  /** Every step once, each kind of boundary twice: a child JVM per case costs seconds on 2 shared cores. */
  static List<String> someBoundaries() {
    List<String> out = new java.util.ArrayList<>();
    for (int step = 0; step * 3 < CrashChild.BOUNDARIES.length; step++) {
      out.add(CrashChild.BOUNDARIES[step * 3 + step % 3]);
    }
    return out;
  }

  static List<String> allBoundaries() {
    return List.of(CrashChild.BOUNDARIES);
  }

  @ParameterizedTest
  @MethodSource("someBoundaries")
  void resumesAfterSigkillAtBoundary(String boundary, @TempDir Path dir) throws Exception {
    crashAndResume(boundary, dir);
  }

  /** All 18 boundaries (3 per step). */
  @org.junit.jupiter.api.Tag("long")
  @ParameterizedTest
  @MethodSource("allBoundaries")
  void resumesAfterSigkillAtEveryBoundary(String boundary, @TempDir Path dir) throws Exception {
    crashAndResume(boundary, dir);
  }

  private void crashAndResume(String boundary, Path dir) throws Exception {
    Path db = dir.resolve("db");
    Path side = dir.resolve("executions.log");
    Path out = dir.resolve("child.out");
    try (ChildJvm child = ChildJvm.start(CrashChild.class, out, db.toString(), side.toString(), boundary)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(Files.exists(out) && Files.readString(out).contains("AT " + boundary))) {
        assertTrue(child.process().isAlive(), () -> "child exited before " + boundary + ": " + read(out) + read(Path.of(out + ".err")));
        assertTrue(System.nanoTime() < deadline, "child did not reach " + boundary);
        Thread.sleep(20);
      }
      child.kill9();
    }
    try (ActorStore store = ActorStore.open(db)) {
      WorkflowEngine e = WorkflowEngine.open(store.actor("crash"));
      assertEquals(List.of(), e.history().repairs());
      assertEquals(new WorkflowOutcome.Completed<>(EXPECTED), e.run(CrashChild.workflow(side, "none"), "ignored"));

      Map<String, Integer> executions = new HashMap<>();
      for (String line : Files.readAllLines(side)) {
        executions.merge(line, 1, Integer::sum);
      }
      Map<String, Integer> attempts = new HashMap<>();
      for (WorkflowHistory.Entry entry : e.history().entriesUnder(WorkflowLocation.root())) {
        if (entry.value().hasStep()) {
          attempts.put(e.history().describe(entry.location()), e.history().metadata(entry.value().getId()).orElseThrow().getAttempts());
        }
      }
      assertEquals(executions.keySet(), attempts.keySet(), "every step ran and is recorded");
      for (var x : executions.entrySet()) {
        assertTrue(x.getValue() <= attempts.get(x.getKey()),
            x.getKey() + " ran " + x.getValue() + " times with " + attempts.get(x.getKey()) + " recorded attempts");
        assertTrue(attempts.get(x.getKey()) <= 2, "at most one retry caused by one crash");
      }
      // The completed workflow is stable on a further restart.
      assertEquals(new WorkflowOutcome.Completed<>(EXPECTED), WorkflowEngine.open(store.actor("crash")).run(CrashChild.workflow(side, "none"), ""));
    }
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
