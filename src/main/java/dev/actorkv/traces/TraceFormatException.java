package dev.actorkv.traces;

import dev.actorkv.store.StoreException;

/** A stored traces chunk value does not decode as a valid {@code TraceChunk}; the message names why. */
public final class TraceFormatException extends StoreException {
  TraceFormatException(String message) {
    super(message);
  }

  TraceFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
