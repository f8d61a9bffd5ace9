package dev.actorkv.workflow;

/**
 * The workflow code no longer matches its recorded history: at a recorded location it issued an
 * operation of a different kind, or a different operation than the one recorded at that position of
 * the scope. The run stops without changing the workflow's state, so that fixed code can resume it.
 */
public final class HistoryDivergenceException extends WorkflowException {
  private final String location;

  public HistoryDivergenceException(String location, String message) {
    super("history diverged at " + location + ": " + message);
    this.location = location;
  }

  /** The location, with names, e.g. {@code /order/charge/}. */
  public String location() {
    return location;
  }
}
