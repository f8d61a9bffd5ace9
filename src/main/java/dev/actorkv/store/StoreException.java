package dev.actorkv.store;

/** A storage operation failed; nothing of it was applied. Subclasses name specific causes. */
public class StoreException extends RuntimeException {
  public StoreException(String message) {
    super(message);
  }

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
