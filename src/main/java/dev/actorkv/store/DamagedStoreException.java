package dev.actorkv.store;

import java.util.List;

/**
 * The directory holds a store that cannot be opened as it is: store files without the {@code CURRENT}
 * file that names the live MANIFEST, or a write-ahead log damaged in its middle. Nothing was changed or
 * deleted; {@link StoreRepair#repair} copies the directory aside and recovers what can be recovered.
 */
public final class DamagedStoreException extends StoreException {
  private final List<String> files;

  public DamagedStoreException(String message, List<String> files) {
    super(message);
    this.files = List.copyOf(files);
  }

  /** Names of the files (in the store directory) the problem concerns. */
  public List<String> files() {
    return files;
  }
}
