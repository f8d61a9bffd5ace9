package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.testing.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.util.Environment;

/** RocksDB's native library is loaded from one shared copy, so killed processes leave nothing behind. */
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
}
