package dev.actorkv.store;

/** A write was attempted on a store opened with {@link StoreOptions#readOnly()}; nothing was written. */
public final class ReadOnlyStoreException extends StoreException {
  public ReadOnlyStoreException(String message) {
    super(message);
  }
}
