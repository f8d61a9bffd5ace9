package dev.actorkv.migrate;

import com.google.common.io.BaseEncoding;
import dev.actorkv.keyspace.KeyFormatException;

/**
 * A key in a legacy-layout position that does not decode (for example queue message id 0, or an unknown
 * SQLite file tag): the migration cannot tell where it belongs, so it stops rather than drop it.
 */
public final class InvalidLegacyKeyException extends MigrationException {
  private final byte[] key;

  InvalidLegacyKeyException(String actorId, byte[] key, KeyFormatException cause) {
    super(actorId, "legacy key " + BaseEncoding.base16().lowerCase().encode(key) + " does not decode: "
        + cause.getMessage() + "; fix or delete it, then run the migration again", cause);
    this.key = key.clone();
  }

  public byte[] key() {
    return key.clone();
  }
}
