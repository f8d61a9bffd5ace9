package dev.actorkv.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.jar.JarEntry;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's JNI library from a copy shared by every process on the machine. RocksDB's own loader
 * extracts its ~15 MB library into a new temporary file on every start and deletes it only on a clean
 * exit, so a host whose processes crash or are killed fills the temporary directory, and every start pays
 * for the copy. The shared copy lives in {@code java.io.tmpdir/actor-kv-native/rocksdbjni-<crc>-<size>}
 * (named after the library's own CRC and size in the jar, so a different rocksdbjni never loads a stale
 * copy) and is written once, atomically.
 */
final class RocksDbLibrary {
  private RocksDbLibrary() {}

  static void load() {
    Path dir;
    try {
      dir = sharedCopy();
    } catch (IOException e) {
      // The temporary directory is not writable or the jar is unreadable: RocksDB's own loader extracts
      // a private copy instead, which works; nothing is lost but the sharing.
      dir = null;
    }
    if (dir == null) {
      RocksDB.loadLibrary();
      return;
    }
    RocksDB.loadLibrary(List.of(dir.toString()));
  }

  /** The directory holding the shared copy, or null when the library is not in a jar. */
  private static Path sharedCopy() throws IOException {
    String file = Environment.getJniLibraryFileName("rocksdb");
    URL resource = RocksDB.class.getClassLoader().getResource(file);
    if (resource == null) {
      return null;
    }
    URLConnection connection = resource.openConnection();
    if (!(connection instanceof JarURLConnection jar)) {
      return null;
    }
    jar.setUseCaches(false);
    JarEntry entry = jar.getJarEntry();
    if (entry.getSize() <= 0 || entry.getCrc() < 0) {
      return null;
    }
    Path dir = Path.of(System.getProperty("java.io.tmpdir"), "actor-kv-native",
        "rocksdbjni-" + Long.toHexString(entry.getCrc()) + "-" + entry.getSize());
    // RocksDB.loadLibrary(paths) looks in each directory for getJniLibraryFileName("rocksdbjni"), a name
    // that differs from the jar entry's ("librocksdbjnijni-linux64.so" against "librocksdbjni-linux64.so").
    Path target = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
    if (Files.isRegularFile(target) && Files.size(target) == entry.getSize()) {
      return dir;
    }
    Files.createDirectories(dir);
    Path partial = Files.createTempFile(dir, file, ".partial");
    try (InputStream in = jar.getInputStream()) {
      Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      // Whole file or nothing under the final name, even with several processes starting at once.
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(partial);
    }
    return dir;
  }
}
