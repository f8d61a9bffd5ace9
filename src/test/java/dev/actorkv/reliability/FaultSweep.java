package dev.actorkv.reliability;

import dev.actorkv.store.StoreException;
import dev.actorkv.testing.FailingFaults;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Sweeps one logical operation over its fault points: for k = 0, 1, 2, ... the k-th write (or read, or
 * sync) after the start of the operation fails, until the operation succeeds. At every k the operation
 * must fail with a typed {@link StoreException} (or a manager exception caused by one), and the manager-visible state (memory) and the actor's
 * full on-disk image must equal what they were before the attempt. The same fixture is reused across
 * attempts, so the operation is also retried on an object that has just seen a failure.
 */
final class FaultSweep {
  /** Which physical operation fails. */
  enum Point {
    WRITE, READ, SYNC
  }

  /** One operation prepared for sweeping; a fresh one is made for each kind of fault point. */
  interface Fixture extends AutoCloseable {
    FailingFaults faults();

    /** Runs the logical operation once. */
    void run() throws Exception;

    /** What the manager shows in memory (compared with equals). */
    Object memory();

    /** What the disk holds (compared with equals), read without going through the fault hooks. */
    Object disk();

    @Override
    void close() throws Exception;
  }

  /** Result of sweeping one operation at one kind of point. */
  record Outcome(String operation, Point point, int faultPoints, long faultsInjected, List<Violation> violations) {}

  private FaultSweep() {}

  /** Attempts at most this many fault points; an operation with more is reported, not looped forever. */
  static final int MAX_POINTS = 10_000;

  static Outcome sweep(String operation, Point point, Supplier<Fixture> fixtures) throws Exception {
    List<Violation> violations = new ArrayList<>();
    long injected = 0;
    try (Fixture f = fixtures.get()) {
      for (int k = 0; k < MAX_POINTS; k++) {
        Object memoryBefore = f.memory();
        Object diskBefore = f.disk();
        long injectedBefore = f.faults().injected();
        arm(f.faults(), point, k);
        Throwable failure = null;
        try {
          f.run();
        } catch (Throwable t) {
          failure = t;
        } finally {
          f.faults().disarm();
        }
        boolean faulted = f.faults().injected() > injectedBefore;
        injected += f.faults().injected() - injectedBefore;
        if (failure == null) {
          if (faulted) {
            violations.add(new Violation("sweep " + operation, 0, k,
                point + " fault " + k + " was injected but the operation reported success", ""));
          }
          return new Outcome(operation, point, k, injected, violations);
        }
        if (!isTyped(failure)) {
          violations.add(new Violation("sweep " + operation, 0, k, point + " fault " + k + ": untyped failure " + failure, ""));
        }
        if (!Objects.equals(f.memory(), memoryBefore)) {
          violations.add(new Violation("sweep " + operation, 0, k,
              point + " fault " + k + ": memory changed by a failed operation: " + memoryBefore + " -> " + f.memory(), ""));
        }
        if (!Objects.equals(f.disk(), diskBefore)) {
          violations.add(new Violation("sweep " + operation, 0, k,
              point + " fault " + k + ": disk changed by a failed operation: " + diskBefore + " -> " + f.disk(), ""));
        }
        if (!faulted) {
          // The operation rejected itself (a typed error such as a limit); no further fault points exist.
          return new Outcome(operation, point, k, injected, violations);
        }
      }
      violations.add(new Violation("sweep " + operation, 0, MAX_POINTS, point + ": still failing after " + MAX_POINTS + " fault points", ""));
      return new Outcome(operation, point, MAX_POINTS, injected, violations);
    }
  }

  /** A StoreException, or a manager's typed exception carrying one as its cause. */
  static boolean isTyped(Throwable failure) {
    if (failure instanceof Error) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StoreException) {
        return true;
      }
    }
    return false;
  }

  private static void arm(FailingFaults faults, Point point, int k) {
    switch (point) {
      case WRITE -> faults.failWriteAfter(k);
      case READ -> faults.failReadAfter(k);
      case SYNC -> faults.failSyncAfter(k);
    }
  }
}
