package dev.actorkv.workflow;

/**
 * Turns a workflow value (input, output, step result, loop state, branch result) into bytes and back.
 * {@code decode(encode(v))} must equal {@code v}: replay returns the decoded value instead of running the
 * step again. {@link WorkflowCodecs} has the usual ones.
 */
public interface WorkflowCodec<T> {
  byte[] encode(T value);

  /** Throws {@link WorkflowCodecException} when the bytes are not a value of this codec. */
  T decode(byte[] bytes);
}
