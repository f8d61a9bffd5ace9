package dev.actorkv.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM running a main class from the test classpath, for crash tests that kill a real
 * process with SIGKILL mid-write and then reopen the store in the test JVM.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;

  private ChildJvm(Process process) {
    this.process = process;
  }

  /**
   * Starts {@code mainClass} with {@code args}; its stdout goes to {@code stdout} (a file the test reads
   * for acknowledgements), stderr to {@code stdout + ".err"}.
   */
  public static ChildJvm start(Class<?> mainClass, Path stdout, String... args) throws IOException {
    return start(mainClass, null, stdout, args);
  }

  /** Like {@link #start(Class, Path, String...)}, in {@code workingDirectory} (null: this JVM's). */
  public static ChildJvm start(Class<?> mainClass, Path workingDirectory, Path stdout, String... args) throws IOException {
    String java = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(stdout.toFile())
        .redirectError(Path.of(stdout + ".err").toFile());
    if (workingDirectory != null) {
      pb.directory(workingDirectory.toFile());
    }
    // RocksDB extracts its 15 MB native library to a fresh temp file per JVM and deletes it only on a
    // normal exit, so every SIGKILL would leak one; children of this JVM share one extraction directory.
    pb.environment().put("ROCKSDB_SHAREDLIB_DIR", NativeLibraryDir.PATH.toString());
    return new ChildJvm(pb.start());
  }

  /** One directory per test JVM, made on first use, where child JVMs extract RocksDB's library. */
  private static final class NativeLibraryDir {
    static final Path PATH = create();

    private static Path create() {
      try {
        Path dir = java.nio.file.Files.createTempDirectory("actorkv-child-jni-");
        // Removed when the test JVM exits normally (the children are gone by then).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : files.toList()) {
              java.nio.file.Files.deleteIfExists(f);
            }
            java.nio.file.Files.deleteIfExists(dir);
          } catch (IOException ignored) {
            // Best effort: a leftover temp directory is harmless.
          }
        }));
        return dir;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  public Process process() {
    return process;
  }

  /** SIGKILL (no shutdown hooks, no flushing) and wait for the process to be gone. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("child JVM did not die after SIGKILL");
    }
  }

  /** Waits for a normal exit and returns its code. */
  public int waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    if (!process.waitFor(timeout, unit)) {
      process.destroyForcibly();
      throw new IllegalStateException("child JVM did not finish in " + timeout + " " + unit);
    }
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
