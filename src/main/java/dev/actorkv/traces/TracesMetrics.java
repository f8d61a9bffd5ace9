package dev.actorkv.traces;

import dev.actorkv.store.StoreMetrics;
import io.opentelemetry.api.metrics.LongCounter;
import java.util.List;
import java.util.Set;

/**
 * The traces manager's instruments in one store. A span counts once it has ended (its END record is in
 * a chunk): buffered while that chunk waits in memory, flushed once a commit wrote it.
 */
final class TracesMetrics {
  private final Set<ActorTraces> open = StoreMetrics.liveSet();
  final LongCounter flushed;

  TracesMetrics(StoreMetrics metrics) {
    metrics.observe("actorkv.traces.spans.buffered", StoreMetrics.Kind.UP_DOWN_COUNTER, "{span}", List.of(),
        "Ended spans held in memory by the traces managers of this store, not yet written.",
        m -> {
          long sum = 0;
          for (ActorTraces t : StoreMetrics.snapshot(open)) {
            sum += t.bufferedSpans();
          }
          m.record(sum);
        });
    flushed = metrics.counter("actorkv.traces.spans.flushed", "{span}", List.of(),
        "Ended spans written to the store by the commits of flushes.");
  }

  static TracesMetrics of(StoreMetrics metrics) {
    return metrics.component(TracesMetrics.class, TracesMetrics::new);
  }

  void opened(ActorTraces t) {
    open.add(t);
  }

  void closed(ActorTraces t) {
    open.remove(t);
  }
}
