package dev.actorkv.workflow;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Unwinds a workflow function that must wait (sleep, retry backoff, receive). An {@link Error} so that
 * ordinary {@code catch (Exception e)} in workflow code does not swallow it; the context also remembers
 * it, so a swallowed suspension still suspends the run.
 */
final class Suspension extends Error {
  /** When to wake (null: only on a message), and which messages wake it. */
  record Wake(Instant at, boolean messages, Set<String> queues) {
    Wake merge(Wake o) {
      Instant earliest = at == null ? o.at : o.at == null ? at : (at.isBefore(o.at) ? at : o.at);
      Set<String> q = new TreeSet<>(queues);
      q.addAll(o.queues);
      // An empty set with messages = true means "any message"; merging with it stays "any".
      boolean any = (messages && queues.isEmpty()) || (o.messages && o.queues.isEmpty());
      return new Wake(earliest, messages || o.messages, any ? Set.of() : Set.copyOf(q));
    }
  }

  final Wake wake;

  Suspension(Wake wake) {
    super("workflow suspended", null, false, false);
    this.wake = wake;
  }
}
