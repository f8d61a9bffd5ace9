package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Random workflows (steps, finished sleeps, short loops) run against a store whose Nth write fails.
 * After the failure the run is retried, either on the same engine (a failed flush is retried) or on a
 * fresh engine loaded from disk (the process died). Either way the workflow completes with the output
 * of an undisturbed run; with the same engine no step body runs twice, and after a "crash" no body runs
 * more often than its recorded attempts.
 */
class WorkflowFaultPropertyTest {
  @Property(tries = 25)
  void faultAnywhereThenRetryGivesSameOutput(
      @ForAll("shapes") List<Integer> shape, @ForAll @IntRange(max = 12) int failAt, @ForAll boolean crash) throws Exception {
    Path dir = Files.createTempDirectory("wfprop");
    FailingFaults faults = new FailingFaults();
    Map<String, Integer> runs = new ConcurrentHashMap<>();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      StringBuilder sb = new StringBuilder(in);
      for (int i = 0; i < shape.size(); i++) {
        int op = shape.get(i);
        String key = "/op" + i + "/";
        if (op == 0) {
          sb.append(ctx.step("op" + i, String.class, () -> {
            runs.merge(key, 1, Integer::sum);
            return "|s" + key;
          }));
        } else if (op == 1) {
          ctx.sleepUntil("op" + i, Instant.EPOCH);
          sb.append("|z");
        } else {
          int iterations = op - 1;
          sb.append(ctx.loop("op" + i, LoopOptions.DEFAULT, 0, WorkflowCodecs.of(Integer.class), WorkflowCodecs.utf8(), (c, n) -> {
            String where = "/op" + key.substring(3, key.length() - 1) + "~" + n + "/it/";
            c.step("it", String.class, () -> {
              runs.merge(where, 1, Integer::sum);
              return where;
            });
            return n + 1 >= iterations ? LoopResult.done("|l" + iterations) : LoopResult.next(n + 1);
          }));
        }
      }
      return sb.toString();
    });
    String expected = expected(shape);
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      var actor = store.actor("p");
      WorkflowEngine engine = WorkflowEngine.open(actor);
      faults.failWriteAfter(failAt);
      WorkflowOutcome<String> out = null;
      while (out == null) {
        try {
          out = engine.run(wf, "in");
        } catch (FailingFaults.InjectedFault e) {
          faults.disarm();
          if (crash) {
            engine = WorkflowEngine.open(actor);
          }
        }
      }
      assertEquals(new WorkflowOutcome.Completed<>(expected), out);
      WorkflowEngine fresh = WorkflowEngine.open(actor);
      for (WorkflowHistory.Entry e : fresh.history().entriesUnder(WorkflowLocation.root())) {
        if (e.value().hasStep()) {
          String where = fresh.history().describe(e.location());
          int attempts = fresh.history().metadata(e.value().getId()).orElseThrow().getAttempts();
          int ran = runs.getOrDefault(where, 0);
          assertTrue(ran >= 1 && ran <= attempts, where + " ran " + ran + " times, " + attempts + " attempts recorded");
          if (!crash) {
            assertEquals(1, ran, where);
          }
        }
      }
      assertEquals(List.of(), fresh.history().repairs());
    } finally {
      WorkflowHistoryTest.deleteTree(dir);
    }
  }

  private static String expected(List<Integer> shape) {
    StringBuilder sb = new StringBuilder("in");
    for (int i = 0; i < shape.size(); i++) {
      int op = shape.get(i);
      sb.append(op == 0 ? "|s/op" + i + "/" : op == 1 ? "|z" : "|l" + (op - 1));
    }
    return sb.toString();
  }

  /** 0: a step, 1: a sleep already over, k >= 2: a loop of k - 1 iterations with a step each. */
  @Provide
  Arbitrary<List<Integer>> shapes() {
    return Arbitraries.integers().between(0, 5).list().ofMinSize(1).ofMaxSize(6);
  }
}
