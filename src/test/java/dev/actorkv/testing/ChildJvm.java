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
   * The java command line, up to and including {@code mainClass}, of a child JVM running this JVM's java
   * with its class path, native access, and {@code jvmOptions}; the caller adds the arguments.
   */
  public static List<String> command(List<String> jvmOptions, Class<?> mainClass) {
    String java = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("--sun-misc-unsafe-memory-access=allow");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(mainClass.getName());
    return cmd;
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
    return start(List.of(), mainClass, workingDirectory, stdout, args);
  }

  /** Like {@link #start(Class, Path, Path, String...)}, with {@code jvmOptions} (e.g. {@code -Dname=value}) before the class. */
  public static ChildJvm start(List<String> jvmOptions, Class<?> mainClass, Path workingDirectory, Path stdout, String... args)
      throws IOException {
    List<String> options = new ArrayList<>();
    options.add("-Xmx512m");
    options.addAll(jvmOptions);
    List<String> cmd = command(options, mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(stdout.toFile())
        .redirectError(Path.of(stdout + ".err").toFile());
    if (workingDirectory != null) {
      pb.directory(workingDirectory.toFile());
    }
    return new ChildJvm(pb.start());
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
