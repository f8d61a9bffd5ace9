package dev.actorkv.workflow;

/**
 * How a loop keeps its history bounded: its state is committed every {@code commitInterval}
 * iterations, and history is kept for the last {@code historyToKeep} committed iterations (older
 * iterations are range-deleted in the commit's batch). Between commits at most
 * {@code historyToKeep + commitInterval} iterations have history.
 */
public record LoopOptions(int commitInterval, int historyToKeep) {
  public static final LoopOptions DEFAULT = new LoopOptions(20, 20);

  public LoopOptions {
    if (commitInterval < 1) {
      throw new IllegalArgumentException("commitInterval must be >= 1, got " + commitInterval);
    }
    if (historyToKeep < 0) {
      throw new IllegalArgumentException("historyToKeep must be >= 0, got " + historyToKeep);
    }
  }
}
