package dev.actorkv.tool;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** Runs the keyspace tool in-process with the given standard input, capturing out, err and the exit code. */
record CliRun(int exit, String out, String err) {
  private static final Object STDIN_LOCK = new Object();

  static CliRun withStdin(String stdin, String... args) {
    return withStdinBytes(stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Like {@link #withStdin}, with standard input given as bytes (which need not be valid UTF-8). */
  static CliRun withStdinBytes(byte[] stdin, String... args) {
    CommandLine cl = KeyspaceCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    // The commands read System.in, the one process-wide standard input; swap it for the run.
    synchronized (STDIN_LOCK) {
      InputStream saved = System.in;
      System.setIn(new ByteArrayInputStream(stdin));
      try {
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
      } finally {
        System.setIn(saved);
      }
    }
  }

  static CliRun run(String... args) {
    return withStdin("", args);
  }

  /** The newline-terminated lines of standard output (an unterminated last line is not one). */
  List<String> lines() {
    List<String> parts = List.of(out.split("\n", -1));
    return parts.subList(0, parts.size() - 1);
  }
}
