package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.actorkv.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.util.Environment;

/**
 * RocksDB's native library is loaded from one shared copy, so killed processes leave nothing behind; a
 * copy that is not exactly the jar's, or sits in a directory another user could write to, is never loaded.
 */
class RocksDbLibraryTest {
  @TempDir Path dir;

  /** Child: opens a store, says so, and waits to be killed. */
  public static final class OpenAndWait {
    public static void main(String[] args) throws Exception {
      try (ActorStore store = ActorStore.open(Path.of(args[0]))) {
        store.actor("a").put(new byte[] {1}, new byte[] {2});
        System.out.println("open");
        System.out.flush();
        Thread.sleep(60_000);
      }
    }
  }

  private static List<Path> privateExtractions() throws IOException {
    String prefix = "librocksdbjni";
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
    }
  }

  @Test
  void theSharedCopyIsUsedAndKilledProcessesLeakNoCopy() throws Exception {
    try (ActorStore store = ActorStore.open(dir.resolve("db"))) {
      store.actor("x").put(new byte[] {1}, new byte[] {1});
    }
    Path shared = Path.of(System.getProperty("java.io.tmpdir"), "actor-kv-native");
    String file = Environment.getJniLibraryFileName("rocksdbjni");
    try (Stream<Path> dirs = Files.list(shared)) {
      assertTrue(dirs.anyMatch(d -> Files.isRegularFile(d.resolve(file))), "shared copy of " + file + " under " + shared);
    }
    List<Path> before = privateExtractions();
    for (int i = 0; i < 2; i++) {
      Path out = dir.resolve("child-" + i + ".out");
      try (ChildJvm child = ChildJvm.start(OpenAndWait.class, out, dir.resolve("child-db").toString())) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(out).contains("open") && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertTrue(Files.readString(out).contains("open"), "child did not open the store: " + Files.readString(Path.of(out + ".err")));
        child.kill9();
      }
    }
    List<Path> leaked = privateExtractions().stream().filter(p -> !before.contains(p)).toList();
    assertEquals(List.of(), leaked, "SIGKILLed processes left private copies of the library behind");
  }

  /** Child: opens a store in args[0], writes and reads a key, says "ok". */
  public static final class OpenOnce {
    public static void main(String[] args) {
      try (ActorStore store = ActorStore.open(Path.of(args[0]))) {
        store.actor("a").put(new byte[] {1}, new byte[] {2});
        System.out.println(store.actor("a").get(new byte[] {1})[0] == 2 ? "ok" : "wrong value");
      }
    }
  }

  /** Runs {@link OpenOnce} with {@code java.io.tmpdir} at {@code tmpdir}; returns its stdout, failing on a non-zero exit. */
  private String openInChild(Path tmpdir, String name) throws Exception {
    Path out = dir.resolve(name + ".out");
    try (ChildJvm child = ChildJvm.start(List.of("-Djava.io.tmpdir=" + tmpdir), OpenOnce.class, null, out,
        dir.resolve(name + "-db").toString())) {
      int exit = child.waitFor(120, TimeUnit.SECONDS);
      String err = Files.readString(Path.of(out + ".err"));
      assertEquals(0, exit, "the store did not open: " + err);
      assertFalse(err.contains("invalid ELF header"), err);
      return Files.readString(out);
    }
  }

  /** The planted file's path, as the loader computes it for a temporary directory {@code tmpdir}. */
  private static Path target(Path tmpdir) throws IOException {
    Path target = RocksDbLibrary.sharedCopyPath(tmpdir.resolve("actor-kv-native"));
    assertNotNull(target, "rocksdbjni is loaded from a jar");
    return target;
  }

  private static byte[] theJarEntry() throws IOException {
    try (var in = RocksDbLibraryTest.class.getClassLoader().getResourceAsStream(Environment.getJniLibraryFileName("rocksdb"))) {
      return in.readAllBytes();
    }
  }

  private static void plant(Path target, byte[] content, String mode) throws IOException {
    Files.createDirectories(target.getParent());
    Files.setPosixFilePermissions(target.getParent(), PosixFilePermissions.fromString(mode));
    Files.setPosixFilePermissions(target.getParent().getParent(), PosixFilePermissions.fromString(mode));
    Files.write(target, content);
  }

  @Test
  void aSameSizeFileWithOtherContentIsReplacedNotLoaded() throws Exception {
    byte[] real = theJarEntry();
    byte[] crafted = real.clone();
    // Different code of the same size, still a valid-looking ELF header: only a content check notices.
    for (int i = real.length / 2; i < real.length / 2 + 64; i++) {
      crafted[i] ^= 0x5a;
    }
    for (byte[] planted : List.of(new byte[real.length], crafted)) {
      Path tmpdir = Files.createTempDirectory(dir, "tmp");
      Path target = target(tmpdir);
      plant(target, planted, "rwx------");
      assertEquals("ok\n", openInChild(tmpdir, tmpdir.getFileName().toString()));
      assertArrayEquals(real, Files.readAllBytes(target), "the bad copy was replaced by the jar's library");
    }
  }

  @Test
  void aCopyInADirectoryOthersCanWriteIsNeitherLoadedNorTouched() throws Exception {
    byte[] zeros = new byte[theJarEntry().length];
    Path tmpdir = Files.createTempDirectory(dir, "tmp");
    Path target = target(tmpdir);
    plant(target, zeros, "rwxrwxrwx");
    Files.setPosixFilePermissions(target.getParent(), PosixFilePermissions.fromString("rwxrwxrwx"));
    assertEquals("ok\n", openInChild(tmpdir, "shared-writable"));
    assertArrayEquals(zeros, Files.readAllBytes(target), "a directory others can write to is not used at all");
  }

  @Test
  void aCopyInADirectoryOfAnotherUserIsNeitherLoadedNorTouched() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a directory to another user");
    byte[] zeros = new byte[theJarEntry().length];
    Path tmpdir = Files.createTempDirectory(dir, "tmp");
    Path target = target(tmpdir);
    plant(target, zeros, "rwxr-xr-x");
    Files.setAttribute(target.getParent().getParent(), "unix:uid", 65534);
    assertEquals("ok\n", openInChild(tmpdir, "other-owner"));
    assertTrue(Arrays.equals(zeros, Files.readAllBytes(target)), "another user's directory is not used at all");
  }
}
