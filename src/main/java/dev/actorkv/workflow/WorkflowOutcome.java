package dev.actorkv.workflow;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** What one call of {@link WorkflowEngine#run} ended with. */
public sealed interface WorkflowOutcome<O> {
  /** The workflow returned {@code output} (recorded in the output field). */
  record Completed<O>(O output) implements WorkflowOutcome<O> {}

  /** The workflow failed for good; {@code error} is what the error field holds. */
  record Failed<O>(WorkflowFailure error) implements WorkflowOutcome<O> {}

  /** Suspended by a sleep or a retry backoff: run it again at or after {@code wakeAt}. */
  record Sleeping<O>(Instant wakeAt) implements WorkflowOutcome<O> {}

  /**
   * Suspended in a receive: run it again when a message named in {@code queueNames} (any name when
   * empty) is enqueued, or at {@code deadline} when the receive has a timeout.
   */
  record WaitingForMessages<O>(List<String> queueNames, Optional<Instant> deadline) implements WorkflowOutcome<O> {
    public WaitingForMessages {
      queueNames = List.copyOf(queueNames);
    }
  }

  /** The workflow was cancelled. */
  record Cancelled<O>() implements WorkflowOutcome<O> {}
}
