package dev.actorkv.backup;

import dev.actorkv.store.StoreException;

/** A backup whose manifest or actor files do not match their SHA-256 checksums or are malformed. */
public final class CorruptBackupException extends StoreException {
  public CorruptBackupException(String message) {
    super(message);
  }
}
