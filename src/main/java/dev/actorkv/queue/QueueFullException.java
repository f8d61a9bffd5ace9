package dev.actorkv.queue;

/** An enqueue would make the queue hold more than its maximum number of messages. */
public final class QueueFullException extends QueueException {
  private final long size;
  private final int adding;
  private final int maxSize;

  public QueueFullException(long size, int adding, int maxSize) {
    super("queue full: " + size + " messages + " + adding + " new > maximum " + maxSize);
    this.size = size;
    this.adding = adding;
    this.maxSize = maxSize;
  }

  /** Messages in the queue when the enqueue was refused. */
  public long size() {
    return size;
  }

  /** Messages the refused enqueue would have added. */
  public int adding() {
    return adding;
  }

  public int maxSize() {
    return maxSize;
  }
}
