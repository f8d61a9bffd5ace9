package dev.actorkv.queue;

/** A queue operation was refused; nothing of it was written. Subclasses name the cause. */
public class QueueException extends RuntimeException {
  public QueueException(String message) {
    super(message);
  }
}
