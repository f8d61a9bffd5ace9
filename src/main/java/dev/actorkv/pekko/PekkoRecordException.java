package dev.actorkv.pekko;

import dev.actorkv.ActorKvException;

/** A stored Pekko event, snapshot or key that does not decode: the store holds something these plugins did not write. */
public final class PekkoRecordException extends ActorKvException {
  PekkoRecordException(String message) {
    super(message);
  }

  PekkoRecordException(String message, Throwable cause) {
    super(message, cause);
  }
}
