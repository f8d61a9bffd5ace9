package dev.actorkv.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library from a copy shared by this user's processes. RocksDB's own loader extracts
 * its ~15 MB library into a new temporary file on every start and deletes it only on a clean exit, so a
 * host whose processes crash or are killed fills the temporary directory, and every start pays for the
 * copy. The shared copy lives in {@code <base>/rocksdbjni-<crc>-<size>/}, where {@code <base>} is the
 * system property {@value #DIRECTORY_PROPERTY} or {@code java.io.tmpdir/actor-kv-native}, named after the
 * library's CRC-32 and size recorded in the jar, so a different rocksdbjni never loads a stale copy.
 *
 * <p>Loading a file runs its code in this process, so the copy is trusted only when (1) both directories
 * are real directories owned by this process's user and writable by nobody else (created with mode 0700),
 * so no other local user can have put a file there, and (2) the file is exactly the jar's entry: same size
 * and same CRC-32 as the jar records. Anything else is replaced, written beside it and moved over it
 * atomically. When the shared directory belongs to someone else or is writable by others, a per-user
 * directory {@code <base>-<uid>} is tried, and failing that RocksDB's own loader extracts a private copy.
 *
 * <p>Why CRC-32 and not SHA-256: the check runs on every start of every process. Measured on the
 * 14.9 MB library in a fresh JVM (busy 2-core machine), SHA-256 over the file took 420-740 ms before the
 * JIT compiles it, CRC-32 (a native, intrinsic loop) 17-34 ms. A CRC can be forged, but only by someone who
 * can write into a directory that only this user can write to, who could as well replace the jar itself.
 */
final class RocksDbLibrary {
  /** Directory (tests point it elsewhere) under which the shared copy is kept. */
  static final String DIRECTORY_PROPERTY = "actorkv.native.dir";

  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private RocksDbLibrary() {}

  static void load() {
    Path dir;
    try {
      dir = sharedCopy();
    } catch (IOException | RuntimeException | LinkageError e) {
      // No trustworthy shared directory (not writable, not POSIX, owned by someone else) or an unreadable
      // jar: RocksDB's own loader extracts a private copy instead, which works; only the sharing is lost.
      dir = null;
    }
    if (dir == null) {
      RocksDB.loadLibrary();
      return;
    }
    RocksDB.loadLibrary(List.of(dir.toString()));
  }

  /** The jar entry of the library, or null when it is not loaded from a jar. */
  private static JarURLConnection libraryInJar() throws IOException {
    URL resource = RocksDB.class.getClassLoader().getResource(Environment.getJniLibraryFileName("rocksdb"));
    if (resource == null) {
      return null;
    }
    URLConnection connection = resource.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      return null;
    }
    jar.setUseCaches(false);
    JarEntry entry = jar.getJarEntry();
    return entry.getSize() <= 0 || entry.getCrc() < 0 ? null : jar;
  }

  /** Where the shared copy is kept under {@code base} for this rocksdbjni, or null when not from a jar. */
  static Path sharedCopyPath(Path base) throws IOException {
    JarURLConnection jar = libraryInJar();
    return jar == null ? null : copyPath(base, jar.getJarEntry());
  }

  private static Path copyPath(Path base, JarEntry entry) {
    // RocksDB.loadLibrary(paths) looks in each directory for getJniLibraryFileName("rocksdbjni"), a name
    // that differs from the jar entry's ("librocksdbjnijni-linux64.so" against "librocksdbjni-linux64.so").
    return base.resolve("rocksdbjni-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize())
        .resolve(Environment.getJniLibraryFileName("rocksdbjni"));
  }

  static Path baseDirectory() {
    String configured = System.getProperty(DIRECTORY_PROPERTY);
    return configured != null && !configured.isEmpty()
        ? Path.of(configured)
        : Path.of(System.getProperty("java.io.tmpdir"), "actor-kv-native");
  }

  /** The directory holding a verified copy, or null when the library is not in a jar. */
  private static Path sharedCopy() throws IOException {
    JarURLConnection jar = libraryInJar();
    if (jar == null) {
      return null;
    }
    long uid = new com.sun.security.auth.module.UnixSystem().getUid();
    Path base = baseDirectory();
    IOException first;
    try {
      return verifiedCopy(jar, base, uid);
    } catch (IOException e) {
      first = e;
    }
    // The shared directory is someone else's (perhaps planted there): this user's own one instead.
    try {
      return verifiedCopy(jar, base.resolveSibling(base.getFileName() + "-" + uid), uid);
    } catch (IOException e) {
      e.addSuppressed(first);
      throw e;
    }
  }

  private static Path verifiedCopy(JarURLConnection jar, Path base, long uid) throws IOException {
    JarEntry entry = jar.getJarEntry();
    Path target = copyPath(base, entry);
    Path dir = target.getParent();
    privateDirectory(base, uid);
    privateDirectory(dir, uid);
    if (isTheJarEntry(target, entry)) {
      return dir;
    }
    Path partial = Files.createTempFile(dir, target.getFileName().toString(), ".partial");
    try {
      CRC32 crc = new CRC32();
      try (InputStream in = new CheckedInputStream(jar.getInputStream(), crc); OutputStream out = Files.newOutputStream(partial)) {
        in.transferTo(out);
      }
      if (crc.getValue() != entry.getCrc() || Files.size(partial) != entry.getSize()) {
        throw new IOException("the library read from the jar does not match the jar's own CRC and size");
      }
      // Whole file or nothing under the final name, even with several processes starting at once; a bad
      // copy (planted, damaged, cut short) is replaced in the same step.
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return dir;
  }

  /**
   * Creates {@code dir} with mode 0700, or checks that the existing one is a directory (not a link) owned
   * by {@code uid} that neither group nor others may write to.
   */
  private static void privateDirectory(Path dir, long uid) throws IOException {
    try {
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    } catch (FileAlreadyExistsException e) {
      // checked below like one we made
    }
    PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (!attributes.isDirectory()) {
      throw new IOException(dir + " is not a directory");
    }
    Object owner = Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (!(owner instanceof Integer id) || id.longValue() != uid) {
      throw new IOException(dir + " belongs to another user (uid " + owner + ")");
    }
    Set<PosixFilePermission> permissions = attributes.permissions();
    if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw new IOException(dir + " is writable by other users");
    }
  }

  /** Whether {@code file} is a regular file of this user with exactly the jar entry's size and CRC-32. */
  private static boolean isTheJarEntry(Path file, JarEntry entry) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) != entry.getSize()) {
      return false;
    }
    CRC32 crc = new CRC32();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n; (n = in.read(buffer)) > 0; ) {
        crc.update(buffer, 0, n);
      }
    }
    return crc.getValue() == entry.getCrc();
  }
}
