package dev.actorkv.tool;

import dev.actorkv.testing.ChildJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the keyspace tool's real {@code main} in a child JVM, for what an in-process run cannot show:
 * standard output that is a file, a device or a pipe, raw argument bytes, a small heap, the exit code
 * {@code System.exit} returns. Standard error is captured to a file and returned.
 */
public final class CliProcess {
  /** What a run returned and printed on stderr. */
  public record Result(int exitCode, String err) {}

  private CliProcess() {}

  /** The java command line up to and including the tool's main class, with {@code jvmOptions}. */
  public static List<String> command(List<String> jvmOptions) {
    return ChildJvm.command(jvmOptions, KeyspaceCli.class);
  }

  /**
   * Runs {@code builder} (standard input and output already redirected by the caller) with stderr
   * captured; kills it after {@code timeoutSeconds}.
   */
  public static Result run(ProcessBuilder builder, long timeoutSeconds) throws IOException, InterruptedException {
    Path err = Files.createTempFile("keyspace-err", ".txt");
    try {
      Process p = builder.redirectError(err.toFile()).start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new IllegalStateException("keyspace " + builder.command() + " did not finish in " + timeoutSeconds + " s");
      }
      return new Result(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /** Runs the tool with {@code args}, standard input from {@code stdin} and standard output to {@code stdout}. */
  public static Result run(File stdin, File stdout, String... args) throws IOException, InterruptedException {
    List<String> cmd = command(List.of());
    cmd.addAll(List.of(args));
    return run(new ProcessBuilder(cmd).redirectInput(stdin).redirectOutput(stdout), 120);
  }
}
