package dev.actorkv.workflow;

/** Carries a checked exception thrown by workflow code (a loop body) up through the context. */
public final class WorkflowBodyException extends WorkflowException {
  public WorkflowBodyException(Exception cause) {
    super(cause.toString(), cause);
  }
}
