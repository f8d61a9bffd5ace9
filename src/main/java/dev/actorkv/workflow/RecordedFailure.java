package dev.actorkv.workflow;

/**
 * A failure read back from history (the original exception object is gone after a restart): its
 * message is the recorded "ExceptionClass: message".
 */
public final class RecordedFailure extends WorkflowException {
  public RecordedFailure(String recorded) {
    super(recorded);
  }
}
