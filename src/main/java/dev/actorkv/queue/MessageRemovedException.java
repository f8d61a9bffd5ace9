package dev.actorkv.queue;

/**
 * {@link ActorQueue#enqueueAndWait} waited for a response, but its message left the queue without one:
 * it was deleted, consumed by a non-completable receive, or the queue was closed.
 */
public final class MessageRemovedException extends QueueException {
  private final long id;

  public MessageRemovedException(long id, String how) {
    super("message " + Long.toUnsignedString(id) + " got no response: " + how);
    this.id = id;
  }

  public long id() {
    return id;
  }
}
