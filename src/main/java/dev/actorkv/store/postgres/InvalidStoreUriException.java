package dev.actorkv.store.postgres;

import dev.actorkv.store.StoreException;

/**
 * A {@code postgresql://} URI that is not one: wrong scheme, empty or malformed host, bad port, a
 * parameter that is not {@code name=value}, bad percent-encoding. The message names what is wrong with
 * the URI, its password replaced by {@code ***}; nothing was connected to.
 */
public final class InvalidStoreUriException extends StoreException {
  InvalidStoreUriException(String message) {
    super(message);
  }
}
