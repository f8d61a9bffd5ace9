package dev.actorkv.workflow;

/** A step failed on its last allowed attempt; the cause is the last attempt's error. */
public final class StepFailedException extends WorkflowException {
  private final String step;
  private final int attempts;

  public StepFailedException(String step, int attempts, Throwable cause) {
    super("step \"" + step + "\" failed after " + attempts + " attempt" + (attempts == 1 ? "" : "s") + ": " + cause, cause);
    this.step = step;
    this.attempts = attempts;
  }

  public String step() {
    return step;
  }

  public int attempts() {
    return attempts;
  }
}
