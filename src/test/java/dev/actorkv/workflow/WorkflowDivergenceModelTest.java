package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Divergence detection against a model: a workflow version records some steps and sleeps, a second
 * version issues other steps in the same scope (the workflow's root, or a loop iteration), and the
 * run must replay, record, or report exactly the divergence the model predicts: a recorded name at
 * another position, or a new name where the history still has unvisited operations.
 */
class WorkflowDivergenceModelTest {
  private static Path dir;
  private static ActorStore store;
  private static final AtomicInteger ACTORS = new AtomicInteger();

  @BeforeContainer
  static void open() throws Exception {
    dir = Files.createTempDirectory("wfdiv");
    store = ActorStore.open(dir);
  }

  @AfterContainer
  static void close() {
    store.close();
  }

  @Property(tries = 150)
  void secondVersionReplaysRecordsOrDivergesAsTheModelSays(
      @ForAll("names") List<String> v1, @ForAll("names") List<String> v2, @ForAll boolean inLoop) {
    ActorKeyspace actor = store.actor("a" + ACTORS.incrementAndGet());
    AtomicInteger bodies = new AtomicInteger();
    WorkflowOutcome<String> first = WorkflowEngine.open(actor).run(version(v1, inLoop, bodies), "");
    assertInstanceOf(WorkflowOutcome.Sleeping.class, first);
    assertEquals(v1.size(), bodies.get());

    // The model: what v1 recorded in the scope, by name -> position.
    Map<String, Integer> recorded = new HashMap<>();
    for (int i = 0; i < v1.size(); i++) {
      recorded.put(v1.get(i), i);
    }
    recorded.put("zz", v1.size());
    List<String> issued = new ArrayList<>(v2);
    issued.add("zz");
    String expectedDivergence = null;
    int expectedBodies = 0;
    for (int k = 0; k < issued.size() && expectedDivergence == null; k++) {
      Integer at = recorded.get(issued.get(k));
      if (at != null) {
        if (at != k) {
          expectedDivergence = "was recorded as operation #" + at + " of its scope, now it is #" + k;
        }
      } else if (recorded.size() > k) {
        expectedDivergence = "different operation recorded at position #" + k;
      } else if (!issued.get(k).equals("zz")) {
        expectedBodies++;
      }
    }

    bodies.set(0);
    Workflow<String, String> second = version(v2, inLoop, bodies);
    if (expectedDivergence == null) {
      assertInstanceOf(WorkflowOutcome.Sleeping.class, WorkflowEngine.open(actor).run(second, ""));
    } else {
      HistoryDivergenceException e = org.junit.jupiter.api.Assertions.assertThrows(
          HistoryDivergenceException.class, () -> WorkflowEngine.open(actor).run(second, ""));
      String expected = expectedDivergence;
      assertTrue(e.getMessage().contains(expected), () -> e.getMessage() + " / expected: " + expected);
    }
    assertEquals(expectedBodies, bodies.get());
  }

  /** Steps named {@code names}, then the sleep "zz", at the root or in the first iteration of a loop. */
  private static Workflow<String, String> version(List<String> names, boolean inLoop, AtomicInteger bodies) {
    return Workflow.of(String.class, String.class, (ctx, in) -> {
      if (inLoop) {
        return ctx.loop("l", LoopOptions.DEFAULT, 0, WorkflowCodecs.of(Integer.class), WorkflowCodecs.utf8(), (c, n) -> {
          ops(c, names, bodies);
          return LoopResult.done("x");
        });
      }
      ops(ctx, names, bodies);
      return "x";
    });
  }

  private static void ops(WorkflowContext c, List<String> names, AtomicInteger bodies) {
    for (String name : names) {
      c.step(name, String.class, () -> {
        bodies.incrementAndGet();
        return name;
      });
    }
    c.sleep("zz", Duration.ofHours(1));
  }

  @Provide
  Arbitrary<List<String>> names() {
    return Arbitraries.of("a", "b", "c", "d", "e", "f").list().uniqueElements().ofMaxSize(6);
  }
}
