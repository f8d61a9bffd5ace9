package dev.actorkv.pekko;

/** A stored Pekko event, snapshot or key that does not decode: the store holds something these plugins did not write. */
public final class PekkoRecordException extends RuntimeException {
  PekkoRecordException(String message) {
    super(message);
  }

  PekkoRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
