package dev.actorkv.queue;

/** The message is not in the queue (never enqueued, already completed, consumed or deleted). */
public final class NoSuchMessageException extends QueueException {
  private final long id;

  public NoSuchMessageException(long id) {
    super("no message " + Long.toUnsignedString(id) + " in the queue");
    this.id = id;
  }

  public long id() {
    return id;
  }
}
