package dev.actorkv.workflow;

/** A value could not be encoded, or recorded bytes could not be decoded, by a {@link WorkflowCodec}. */
public final class WorkflowCodecException extends WorkflowException {
  public WorkflowCodecException(String message, Throwable cause) {
    super(message, cause);
  }

  public WorkflowCodecException(String message) {
    super(message);
  }
}
