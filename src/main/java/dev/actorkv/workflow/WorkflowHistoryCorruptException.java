package dev.actorkv.workflow;

/**
 * Recorded history cannot be used: an entry or name value does not decode, or an entry refers to a name
 * that is not registered. Unlike metadata and the state field, history is not derived data, so it is
 * reported, never silently rebuilt.
 */
public final class WorkflowHistoryCorruptException extends WorkflowException {
  public WorkflowHistoryCorruptException(String message) {
    super(message);
  }

  public WorkflowHistoryCorruptException(String message, Throwable cause) {
    super(message, cause);
  }
}
