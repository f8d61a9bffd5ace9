package dev.actorkv.store;

/** The directory holds a store this library cannot open (newer format, or not a store). */
public final class IncompatibleStoreException extends StoreException {
  public IncompatibleStoreException(String message) {
    super(message);
  }
}
