package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault sweeps over every write, read and sync point of the managers' operations. */
class ManagerSweepQuickTest {
  @TempDir Path dir;

  @Test
  void managerOperationsFailCleanlyAtEveryFaultPoint() throws Exception {
    List<FaultSweep.Outcome> outcomes = new ManagerSweeps(dir).runAll();
    assertEquals(List.of(), outcomes.stream().flatMap(o -> o.violations().stream()).toList());
    assertTrue(outcomes.stream().mapToLong(FaultSweep.Outcome::faultsInjected).sum() > 10);
  }
}
