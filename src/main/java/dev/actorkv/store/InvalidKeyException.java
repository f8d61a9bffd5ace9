package dev.actorkv.store;

/** A logical key the store cannot hold: empty, or starting with the reserved byte 0xFF. */
public final class InvalidKeyException extends StoreException {
  public InvalidKeyException(String message) {
    super(message);
  }
}
