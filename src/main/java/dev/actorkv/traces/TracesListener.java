package dev.actorkv.traces;

/**
 * Told about background and foreground flushes of an {@link ActorTraces}. Called on the flushing thread;
 * keep it fast and do not call back into the traces manager.
 */
public interface TracesListener {
  TracesListener NONE = new TracesListener() {};

  /** {@code chunks} chunks of {@code bytes} encoded bytes were written in one atomic commit. */
  default void written(int chunks, long bytes) {}

  /** A flush failed; its chunks stay buffered and are retried by the next flush. */
  default void flushFailed(RuntimeException error) {}
}
