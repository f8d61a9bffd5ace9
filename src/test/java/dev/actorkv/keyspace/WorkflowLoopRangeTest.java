package dev.actorkv.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** {@link WorkflowKeys#loopIterations} selects exactly the history of the iterations in its range. */
class WorkflowLoopRangeTest {
  @Property(tries = 300)
  void rangeHoldsExactlyItsIterations(
      @ForAll @LongRange(max = 100_000) long from,
      @ForAll @IntRange(max = 1000) int width,
      @ForAll @IntRange(min = -50, max = 1100) int offset,
      @ForAll @IntRange(max = 3) int loopName,
      @ForAll @IntRange(max = 3) int child,
      @ForAll boolean nested) {
    WorkflowLocation parent = nested ? WorkflowLocation.root().name(1).loop(2, 7) : WorkflowLocation.root();
    KeyRange r = WorkflowKeys.loopIterations(parent, 2, from, from + width);
    long iteration = Math.max(0, from + offset);
    WorkflowLocation iterationLoc = parent.loop(loopName, iteration);
    boolean expected = loopName == 2 && iteration >= from && iteration < from + width;
    // The iteration's own subtree (any entry under it) is in the range exactly when the iteration is.
    assertEquals(expected, r.contains(WorkflowKeys.history(iterationLoc.name(child))));
    assertEquals(expected, r.contains(WorkflowKeys.history(iterationLoc.loop(child, 3).name(0))));
    // The loop entry itself and siblings never are.
    assertEquals(false, r.contains(WorkflowKeys.history(parent.name(2))));
    assertEquals(false, r.contains(WorkflowKeys.history(parent.name(loopName).name(child))));
  }

  @Test
  void rejectsBadBounds() {
    assertThrows(IllegalArgumentException.class, () -> WorkflowKeys.loopIterations(WorkflowLocation.root(), 0, 5, 4));
    assertThrows(IllegalArgumentException.class, () -> WorkflowKeys.loopIterations(WorkflowLocation.root(), 0, -1, 4));
  }
}
