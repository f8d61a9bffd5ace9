package dev.actorkv.keyspace;

import dev.actorkv.ActorKvException;

/**
 * A key is not exactly one of the keys of the layout: wrong prefix or version byte, wrong length,
 * non-canonical tuple, unknown field or file tag, invalid UTF-8, or trailing bytes.
 */
public final class KeyFormatException extends ActorKvException {
  public KeyFormatException(String message) {
    super(message);
  }

  public KeyFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
