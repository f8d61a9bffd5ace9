package dev.actorkv.store;

/** An alarm the store cannot hold: an empty or non-Unicode name, or a due time out of range. Nothing was written. */
public final class InvalidAlarmException extends StoreException {
  public InvalidAlarmException(String message) {
    super(message);
  }
}
