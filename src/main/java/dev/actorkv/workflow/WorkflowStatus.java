package dev.actorkv.workflow;

import dev.actorkv.workflow.proto.WorkflowStateValue;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the embedding runtime needs to schedule a workflow: its state and, while it sleeps, when to run
 * it again ({@code wakeAt}) and whether a message on {@code waitingQueues} should wake it earlier
 * (an empty list with {@code waitingForMessages} means any message).
 */
public record WorkflowStatus(WorkflowState state, Optional<Instant> wakeAt, boolean waitingForMessages, List<String> waitingQueues) {
  public WorkflowStatus {
    waitingQueues = List.copyOf(waitingQueues);
  }

  static WorkflowStatus of(WorkflowStateValue v) {
    return new WorkflowStatus(
        WorkflowState.of(v.getState()),
        v.getWakeAtMs() == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v.getWakeAtMs())),
        v.getWaitingForMessages(),
        v.getWaitingQueuesList());
  }
}
