package dev.actorkv.store;

import dev.actorkv.ActorKvException;

/** A storage operation failed; nothing of it was applied. Subclasses name specific causes. */
public class StoreException extends ActorKvException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
