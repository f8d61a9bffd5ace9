package dev.actorkv.workflow;

import dev.actorkv.store.StoreMetrics;
import io.opentelemetry.api.metrics.LongCounter;
import java.util.List;

/** The workflow manager's instruments in one store: step attempts run and steps answered by replay. */
final class WorkflowMetrics {
  final LongCounter steps;
  final LongCounter replays;

  WorkflowMetrics(StoreMetrics metrics) {
    steps = metrics.counter("actorkv.workflow.steps", "{step}", List.of(),
        "Step attempts run: each time a step's body is called, after its attempt was recorded.");
    replays = metrics.counter("actorkv.workflow.replays", "{step}", List.of(),
        "Steps answered from history: a completed step's recorded result returned again when a run replays.");
  }

  static WorkflowMetrics of(StoreMetrics metrics) {
    return metrics.component(WorkflowMetrics.class, WorkflowMetrics::new);
  }
}
