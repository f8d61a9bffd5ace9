package dev.actorkv.workflow;

import dev.actorkv.workflow.proto.WorkflowError;

/** Why a workflow failed, as recorded in its error field. */
public record WorkflowFailure(String type, String message, String location, String stackTrace) {
  static WorkflowFailure of(WorkflowError e) {
    return new WorkflowFailure(e.getType(), e.getMessage(), e.getLocation(), e.getStackTrace());
  }

  @Override
  public String toString() {
    return type + ": " + message + (location.isEmpty() ? "" : " (at " + location + ")");
  }
}
