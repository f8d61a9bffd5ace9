package dev.actorkv.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link FuzzTarget} over {@code count} inputs from {@link HostileInputs} on a worker thread and
 * collects violations: an exception outside the target's typed errors (NPE, index out of bounds,
 * OutOfMemoryError, StackOverflowError...), a failed acceptance check, an input slower than the
 * per-input budget, or a hang (the worker is abandoned and the campaign stops).
 */
final class FuzzCampaign {
  /** What a campaign did. */
  record Result(String target, long seed, long inputs, long accepted, long rejected, List<Violation> violations) {}

  private final FuzzTarget target;
  private final long seed;
  private final long count;
  private final Duration perInputBudget;
  private final Duration hangBudget;

  FuzzCampaign(FuzzTarget target, long seed, long count, Duration perInputBudget) {
    this.target = target;
    this.seed = seed;
    this.count = count;
    this.perInputBudget = perInputBudget;
    this.hangBudget = perInputBudget.multipliedBy(10);
  }

  Result run() throws InterruptedException {
    List<Violation> violations = java.util.Collections.synchronizedList(new ArrayList<>());
    AtomicLong done = new AtomicLong();
    AtomicLong accepted = new AtomicLong();
    AtomicLong rejected = new AtomicLong();
    AtomicLong inputStart = new AtomicLong(); // nanoTime at which the current input began, 0 between inputs
    byte[][] current = new byte[1][];
    Thread worker = new Thread(() -> {
      HostileInputs inputs = new HostileInputs(seed, target.samples());
      for (long i = 0; i < count; i++) {
        byte[] input = inputs.next();
        current[0] = input;
        long start = System.nanoTime();
        inputStart.set(start);
        try {
          target.check().run(input.clone());
          accepted.incrementAndGet();
        } catch (Throwable t) {
          if (target.isTyped(t)) {
            rejected.incrementAndGet();
            if (t.getMessage() == null || t.getMessage().isBlank()) {
              violations.add(Violation.of(target.name(), seed, i, "typed error without a message: " + t, input));
            }
          } else {
            violations.add(Violation.of(target.name(), seed, i, "untyped " + describe(t), input));
          }
        }
        long elapsed = System.nanoTime() - start;
        inputStart.set(0);
        if (elapsed > perInputBudget.toNanos()) {
          violations.add(Violation.of(target.name(), seed, i,
              "took " + elapsed / 1_000_000 + " ms, over the " + perInputBudget.toMillis() + " ms budget", input));
        }
        done.incrementAndGet();
      }
    }, "fuzz-" + target.name());
    worker.setDaemon(true); // a hung decoder must not keep the test JVM alive
    worker.start();
    while (worker.isAlive()) {
      worker.join(100);
      long started = inputStart.get();
      if (started != 0 && System.nanoTime() - started > hangBudget.toNanos()) {
        violations.add(Violation.of(target.name(), seed, done.get(),
            "hang: no result after " + hangBudget.toMillis() + " ms (worker abandoned)", current[0]));
        worker.interrupt();
        break;
      }
    }
    return new Result(target.name(), seed, done.get(), accepted.get(), rejected.get(), List.copyOf(violations));
  }

  private static String describe(Throwable t) {
    StackTraceElement[] st = t.getStackTrace();
    return t.getClass().getName() + ": " + t.getMessage() + (st.length > 0 ? " at " + st[0] : "");
  }
}
