package dev.actorkv.workflow;

import java.time.Duration;

/** An attempt of a step ran longer than its policy's attempt timeout (it counts as a failed attempt). */
public final class StepTimeoutException extends WorkflowException {
  public StepTimeoutException(String step, Duration timeout) {
    super("attempt of step \"" + step + "\" timed out after " + timeout.toMillis() + " ms");
  }
}
