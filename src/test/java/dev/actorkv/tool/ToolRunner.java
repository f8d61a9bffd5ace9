package dev.actorkv.tool;

/**
 * Runs the {@code keyspace} tool in-process for tests outside this package (the reliability suite):
 * standard input given, output, error and exit code captured.
 */
public final class ToolRunner {
  /** What one run printed and returned. */
  public record Result(int exitCode, String out, String err) {}

  private ToolRunner() {}

  public static Result run(String stdin, String... args) {
    CliRun r = CliRun.withStdin(stdin, args);
    return new Result(r.exit(), r.out(), r.err());
  }
}
