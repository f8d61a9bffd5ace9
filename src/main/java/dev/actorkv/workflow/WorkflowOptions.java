package dev.actorkv.workflow;

import java.time.InstantSource;
import java.util.Objects;

/**
 * Settings of a {@link WorkflowEngine}: the clock (injectable for tests), the retry policy of steps
 * that name none, the default loop settings, and the page size of the scans that load history.
 */
public record WorkflowOptions(InstantSource clock, RetryPolicy defaultRetry, LoopOptions defaultLoop, int scanPageSize) {
  public static final WorkflowOptions DEFAULTS =
      new WorkflowOptions(InstantSource.system(), RetryPolicy.DEFAULT, LoopOptions.DEFAULT, 1024);

  public WorkflowOptions {
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(defaultRetry, "defaultRetry");
    Objects.requireNonNull(defaultLoop, "defaultLoop");
    if (scanPageSize < 1) {
      throw new IllegalArgumentException("scanPageSize must be >= 1");
    }
  }

  public static WorkflowOptions defaults() {
    return DEFAULTS;
  }

  public WorkflowOptions withClock(InstantSource v) {
    return new WorkflowOptions(v, defaultRetry, defaultLoop, scanPageSize);
  }

  public WorkflowOptions withDefaultRetry(RetryPolicy v) {
    return new WorkflowOptions(clock, v, defaultLoop, scanPageSize);
  }

  public WorkflowOptions withDefaultLoop(LoopOptions v) {
    return new WorkflowOptions(clock, defaultRetry, v, scanPageSize);
  }

  public WorkflowOptions withScanPageSize(int v) {
    return new WorkflowOptions(clock, defaultRetry, defaultLoop, v);
  }
}
