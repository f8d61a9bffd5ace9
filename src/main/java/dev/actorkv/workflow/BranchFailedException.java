package dev.actorkv.workflow;

import java.util.Map;

/** A branch of a join or race failed; {@code errors} maps each failed branch to its error. */
public final class BranchFailedException extends WorkflowException {
  private final Map<String, String> errors;

  public BranchFailedException(String operation, Map<String, String> errors, Throwable firstCause) {
    super(operation + ": branch" + (errors.size() == 1 ? " " : "es ") + errors, firstCause);
    this.errors = Map.copyOf(errors);
  }

  public Map<String, String> errors() {
    return errors;
  }
}
