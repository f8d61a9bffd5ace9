package dev.actorkv.pekko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.scalatest.Args;
import org.scalatest.ConfigMap$;
import org.scalatest.Filter;
import org.scalatest.Stopper;
import org.scalatest.Suite;
import org.scalatest.Tracker;
import org.scalatest.events.Event;
import org.scalatest.events.SuiteAborted;
import org.scalatest.events.TestCanceled;
import org.scalatest.events.TestFailed;
import org.scalatest.events.TestIgnored;
import org.scalatest.events.TestPending;
import org.scalatest.events.TestSucceeded;
import scala.Option;

/**
 * Runs a ScalaTest suite (Pekko's TCK specs are ScalaTest suites, no longer with a JUnit runner) to its end
 * and turns each of its tests into a JUnit dynamic test with the same name and outcome: a success passes, a
 * failure fails with the TCK's message and exception, a cancelled, ignored or pending test (a capability
 * the plugin does not claim) is reported as skipped. An aborted suite fails.
 */
final class ScalaTestRun {
  private ScalaTestRun() {}

  static Stream<DynamicTest> of(Suite suite, String prefix) {
    Filter filter = new Filter(Filter.apply$default$1(), Filter.apply$default$2(), Filter.apply$default$3(), Filter.apply$default$4());
    int expected = suite.expectedTestCount(filter);
    List<Event> events = Collections.synchronizedList(new ArrayList<>());
    Stopper never = new Stopper() {
      @Override
      public boolean stopRequested() {
        return false;
      }

      @Override
      public void requestStop() {}
    };
    Args args = Args.apply(events::add, never, filter, ConfigMap$.MODULE$.empty(), Option.empty(),
        new Tracker(Tracker.$lessinit$greater$default$1()), scala.collection.immutable.Set$.MODULE$.empty(), false,
        Option.empty(), Option.empty());
    suite.run(Option.empty(), args).waitUntilCompleted();

    List<DynamicTest> tests = new ArrayList<>();
    synchronized (events) {
      for (Event e : events) {
        switch (e) {
          case TestSucceeded s -> tests.add(DynamicTest.dynamicTest(prefix + s.testName(), () -> {}));
          case TestFailed f -> tests.add(DynamicTest.dynamicTest(prefix + f.testName(), () -> {
            throw new AssertionError(f.message(), f.throwable().isDefined() ? f.throwable().get() : null);
          }));
          case TestCanceled c -> tests.add(DynamicTest.dynamicTest(prefix + c.testName(), () -> Assumptions.abort(c.message())));
          case TestIgnored i -> tests.add(DynamicTest.dynamicTest(prefix + i.testName(), () -> Assumptions.abort("ignored by the TCK")));
          case TestPending p -> tests.add(DynamicTest.dynamicTest(prefix + p.testName(), () -> Assumptions.abort("pending in the TCK")));
          case SuiteAborted a -> tests.add(DynamicTest.dynamicTest(prefix + "suite " + a.suiteName(), () -> {
            throw new AssertionError("suite aborted: " + a.message(), a.throwable().isDefined() ? a.throwable().get() : null);
          }));
          default -> {}
        }
      }
    }
    // A suite that ran nothing (or less than it has) must not pass as green.
    tests.add(DynamicTest.dynamicTest(prefix + "every TCK test ran", () -> {
      assertTrue(expected > 0, "the TCK suite has no tests");
      assertEquals(expected, tests.size() - 1, "TCK tests reported");
    }));
    return tests.stream();
  }
}
