package dev.actorkv.workflow;

import dev.actorkv.workflow.proto.WorkflowStateCode;

/** Where a workflow is in its life. NEW: never run (no state recorded). */
public enum WorkflowState {
  NEW,
  RUNNING,
  SLEEPING,
  COMPLETED,
  FAILED,
  CANCELLED;

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED;
  }

  static WorkflowState of(WorkflowStateCode code) {
    return switch (code) {
      case WORKFLOW_STATE_UNSPECIFIED, UNRECOGNIZED -> NEW;
      case WORKFLOW_RUNNING -> RUNNING;
      case WORKFLOW_SLEEPING -> SLEEPING;
      case WORKFLOW_COMPLETED -> COMPLETED;
      case WORKFLOW_FAILED -> FAILED;
      case WORKFLOW_CANCELLED -> CANCELLED;
    };
  }
}
