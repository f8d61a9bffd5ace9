package dev.actorkv.backup;

import dev.actorkv.store.StoreException;
import java.nio.file.Path;

/**
 * The backup folder, or the backup or actor asked of it, is not one this library can use: no such
 * folder, a file where the folder should be, a folder that is not a backup folder or has an unknown
 * format, no complete backup, no backup of that number, no such actor in it. The caller's to fix;
 * nothing was written. Damage inside a backup is {@link CorruptBackupException} instead.
 */
public final class BackupFolderException extends StoreException {
  private final Path folder;

  BackupFolderException(Path folder, String message) {
    super(message);
    this.folder = folder;
  }

  /** The backup folder concerned. */
  public Path folder() {
    return folder;
  }
}
