package dev.actorkv.workflow;

import dev.actorkv.ActorKvException;

/** Base of the workflow manager's errors. */
public class WorkflowException extends ActorKvException {
  public WorkflowException(String message) {
    super(message);
  }

  public WorkflowException(String message, Throwable cause) {
    super(message, cause);
  }
}
