package dev.actorkv.sqlite;

import dev.actorkv.store.StoreException;

/** A stored SQLite file metadata value or chunk does not have the layout's format. */
public final class PageFormatException extends StoreException {
  public PageFormatException(String message) {
    super(message);
  }
}
