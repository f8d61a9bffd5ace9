package dev.actorkv.workflow;

import java.util.Objects;

/**
 * One branch of a {@link WorkflowContext#join join} or {@link WorkflowContext#race race}: a named
 * piece of workflow with its own history subtree, and the codec of its result.
 */
public record Branch<T>(String name, WorkflowCodec<T> codec, BranchBody<T> body) {
  /** The code of a branch. */
  @FunctionalInterface
  public interface BranchBody<T> {
    T run(WorkflowContext ctx) throws Exception;
  }

  public Branch {
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(body, "body");
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("branch names must be non-empty");
    }
  }

  public static <T> Branch<T> of(String name, Class<T> type, BranchBody<T> body) {
    return new Branch<>(name, WorkflowCodecs.of(type), body);
  }
}
