package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick variant of the fault sweeps: every store operation at every write, read and sync point. */
class FaultSweepQuickTest {
  @TempDir Path dir;

  @Test
  void storeOperationsFailCleanlyAtEveryFaultPoint() throws Exception {
    List<FaultSweep.Outcome> outcomes = new StoreSweeps(dir).runAll(42, 5);
    for (FaultSweep.Outcome o : outcomes) {
      assertEquals(List.of(), o.violations(), o.operation() + " at " + o.point());
    }
    // The sweep really injected faults: each committing operation has exactly one write point.
    FaultSweep.Outcome connections = outcomes.stream()
        .filter(o -> o.operation().equals("connections batch") && o.point() == FaultSweep.Point.WRITE).findFirst().orElseThrow();
    assertEquals(1, connections.faultPoints());
    assertEquals(1, connections.faultsInjected());
    FaultSweep.Outcome sync = outcomes.stream()
        .filter(o -> o.operation().equals("sync") && o.point() == FaultSweep.Point.SYNC).findFirst().orElseThrow();
    assertEquals(1, sync.faultPoints());
  }

  /** The sweep catches an operation that changes memory before its write fails (a seeded defect). */
  @Test
  void sweepDetectsMemoryChangedBeforeAFailedWrite() throws Exception {
    int[] counter = {0};
    FaultSweep.Outcome o = FaultSweep.sweep("leaky", FaultSweep.Point.WRITE, () -> {
      FailingFaults faults = new FailingFaults();
      ActorStore store = ActorStore.open(dir.resolve("leaky"), StoreOptions.defaults().withFaults(faults));
      return new FaultSweep.Fixture() {
        public FailingFaults faults() {
          return faults;
        }

        public void run() {
          counter[0]++; // memory first, then the write: the defect the sweep must find
          store.actor("x").put(ActorKeys.persistedData(), new byte[] {1});
        }

        public Object memory() {
          return counter[0];
        }

        public Object disk() {
          return DiskImage.of(store, "x");
        }

        public void close() {
          store.close();
        }
      };
    });
    assertTrue(o.violations().stream().anyMatch(v -> v.problem().contains("memory changed")), o.toString());
  }
}
