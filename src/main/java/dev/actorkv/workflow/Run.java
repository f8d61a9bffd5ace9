package dev.actorkv.workflow;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.store.ActorBatch;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the contexts of one run share: the history, the options, the queue, and the first error that
 * must stop the whole run whatever the workflow code does with it (a failed flush, a divergence).
 */
final class Run {
  private final WorkflowHistory history;
  private final WorkflowOptions options;
  private final ActorQueue queue;
  /**
   * Default codecs by type, built once per run: a JSON codec resolves Jackson's reader and writer when
   * built, which costs more than encoding a step's value, and a workflow names the same few types in
   * every step.
   */
  private final Map<Class<?>, WorkflowCodec<?>> defaultCodecs = new ConcurrentHashMap<>();
  private final WorkflowMetrics metrics;
  private volatile RuntimeException fatal;

  Run(WorkflowHistory history, WorkflowOptions options, ActorQueue queue, WorkflowMetrics metrics) {
    this.history = history;
    this.options = options;
    this.queue = queue;
    this.metrics = metrics;
  }

  WorkflowMetrics metrics() {
    return metrics;
  }

  WorkflowHistory history() {
    return history;
  }

  WorkflowOptions options() {
    return options;
  }

  /** {@link WorkflowCodecs#of(Class)}, memoized for this run (codecs are immutable and thread-safe). */
  @SuppressWarnings("unchecked")
  <T> WorkflowCodec<T> codecOf(Class<T> type) {
    return (WorkflowCodec<T>) defaultCodecs.computeIfAbsent(type, WorkflowCodecs::of);
  }

  InstantSource clock() {
    return options.clock();
  }

  ActorQueue queue() {
    if (queue == null) {
      throw new IllegalStateException("receive needs a queue: open the engine with WorkflowEngine.open(actor, options, queue)");
    }
    return queue;
  }

  void flush() {
    flush(null);
  }

  /** Flushes the history (with another manager's changes in the same batch); a failure stops the run. */
  void flush(ActorBatch extra) {
    try {
      history.flush(extra, null);
    } catch (RuntimeException e) {
      fatal(e);
      throw e;
    }
  }

  HistoryDivergenceException diverged(HistoryDivergenceException e) {
    fatal(e);
    return e;
  }

  private synchronized void fatal(RuntimeException e) {
    if (fatal == null) {
      fatal = e;
    }
  }

  RuntimeException fatal() {
    return fatal;
  }

  void rethrowFatal() {
    RuntimeException f = fatal;
    if (f != null) {
      throw f;
    }
  }
}
