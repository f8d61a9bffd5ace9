package dev.actorkv.queue;

import dev.actorkv.ActorKvException;

/** A queue operation was refused; nothing of it was written. Subclasses name the cause. */
public class QueueException extends ActorKvException {
  public QueueException(String message) {
    super(message);
  }
}
