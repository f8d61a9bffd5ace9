package dev.actorkv.tool;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file named on the command line (e.g. {@code export --out FILE}), written where the path leads, as a
 * shell redirection would: through a symbolic link to its target, into a FIFO or a device node as it is.
 * Only a regular file (or a new one) is replaced atomically, by a temporary file in the same directory
 * that is synced and renamed over it on {@link #commit()}: a reader sees the old content or the whole new
 * one, and a failed run leaves the old file. A replaced file keeps its permissions. A path that cannot
 * be opened throws {@link Errors.UserError} naming it and the reason (exit 2, a bad argument); a write
 * that fails later, the same with exit 1.
 */
final class FileOutput implements AutoCloseable {
  private final Path named;
  /** The file renamed over on commit; null when writing in place. */
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final PrintWriter writer;
  private boolean committed;

  private FileOutput(Path named, Path target, Path temp, FileChannel channel, OutputStream stream) {
    this.named = named;
    this.target = target;
    this.temp = temp;
    this.channel = channel;
    this.writer = new StrictOutputStream(stream, named.toString()).writer(false);
  }

  static FileOutput open(Path path) {
    try {
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (NoSuchFileException e) {
        if (Files.isSymbolicLink(path)) {
          // A dangling link: the shell creates its target.
          return inPlace(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        }
        return replacing(path, path.toAbsolutePath(), null);
      }
      if (attrs.isDirectory()) {
        throw new Errors.UserError("cannot write " + path + ": it is a directory");
      }
      if (attrs.isRegularFile()) {
        Path real = path.toRealPath();
        return replacing(path, real, permissions(real));
      }
      // A FIFO, a device node or a socket: opened as it is, never replaced.
      return inPlace(path, StandardOpenOption.WRITE);
    } catch (IOException e) {
      // A path that cannot be opened is a bad argument (exit 2), like a missing --in file; a write that
      // fails once the file is open is a failed run (exit 1).
      throw new Errors.UserError(IoMessages.describe("cannot write", path, e));
    }
  }

  private static FileOutput inPlace(Path path, StandardOpenOption... options) throws IOException {
    return new FileOutput(path, null, null, null, Files.newOutputStream(path, options));
  }

  private static FileOutput replacing(Path named, Path target, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = target.getParent();
    Path temp = dir.resolve("." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
    FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      if (permissions != null) {
        Files.setPosixFilePermissions(temp, permissions);
      }
    } catch (IOException | UnsupportedOperationException e) {
      // Best effort, as for any new file: the content matters more than the mode.
    }
    return new FileOutput(named, target, temp, channel, Channels.newOutputStream(channel));
  }

  private static Set<PosixFilePermission> permissions(Path file) {
    try {
      return Files.getPosixFilePermissions(file);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }

  PrintWriter writer() {
    return writer;
  }

  /** Writes what is buffered; for a replaced file, syncs it and renames it over the target. */
  void commit() {
    writer.flush();
    try {
      if (target == null) {
        writer.close();
      } else {
        channel.force(true);
        writer.close();
        try {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.getParent());
      }
      committed = true;
    } catch (IOException e) {
      throw new Errors.UserError(IoMessages.describe("cannot write", named, e), Errors.FAILED);
    }
  }

  /** The rename is durable once the directory is synced (where the platform allows opening one). */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Not every platform can sync a directory; the file itself is synced.
    }
  }

  /** Without a commit: drops the temporary file (the target keeps its old content). */
  @Override
  public void close() {
    if (committed) {
      return;
    }
    try {
      writer.close();
    } catch (Errors.UserError e) {
      // Already failing; the first error is the one reported.
    }
    if (temp != null) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Nothing more to do; the temporary file's name says what it is.
      }
    }
  }
}
