package dev.actorkv.queue;

import dev.actorkv.store.StoreMetrics;
import java.util.List;
import java.util.Set;

/**
 * The queue manager's instruments in one store: the depth and the leased messages of the queues open on
 * it, summed (no actor attribute: see {@link StoreMetrics} on cardinality).
 */
final class QueueMetrics {
  private final Set<ActorQueue> open = StoreMetrics.liveSet();

  QueueMetrics(StoreMetrics metrics) {
    metrics.observe("actorkv.queue.depth", StoreMetrics.Kind.UP_DOWN_COUNTER, "{message}", List.of(),
        "Messages in the queues open in this store (leased and undecodable ones included).",
        m -> {
          long sum = 0;
          for (ActorQueue q : StoreMetrics.snapshot(open)) {
            sum += q.depthForMetrics();
          }
          m.record(sum);
        });
    metrics.observe("actorkv.queue.leased", StoreMetrics.Kind.UP_DOWN_COUNTER, "{message}", List.of(),
        "Messages of the open queues delivered under a lease that has not run out, not yet completed or released.",
        m -> {
          long sum = 0;
          for (ActorQueue q : StoreMetrics.snapshot(open)) {
            sum += q.leasedForMetrics();
          }
          m.record(sum);
        });
  }

  static QueueMetrics of(StoreMetrics metrics) {
    return metrics.component(QueueMetrics.class, QueueMetrics::new);
  }

  void opened(ActorQueue q) {
    open.add(q);
  }

  void closed(ActorQueue q) {
    open.remove(q);
  }
}
