package dev.actorkv.backup;

import dev.actorkv.store.StoreException;

/** A restore refused before writing anything: the target already holds data for actors it would write. */
public final class RestoreConflictException extends StoreException {
  public RestoreConflictException(String message) {
    super(message);
  }
}
