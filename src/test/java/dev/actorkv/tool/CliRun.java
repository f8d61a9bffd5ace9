package dev.actorkv.tool;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/** Runs the keyspace tool in-process with the given standard input, capturing out, err and the exit code. */
record CliRun(int exit, String out, String err) {
  private static final Object STDIN_LOCK = new Object();

  static CliRun withStdin(String stdin, String... args) {
    if (args.length > 0 && args[0].equals("sql")) {
      return sql(stdin, args); // it writes to System.out itself
    }
    return on(KeyspaceCli.commandLine(), stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  /** Like {@link #withStdin}, with standard input given as bytes (which need not be valid UTF-8). */
  static CliRun withRawStdin(byte[] stdin, String... args) {
    return on(KeyspaceCli.commandLine(), stdin, args);
  }

  /** Runs {@code args} on {@code cl} (the tool's command line, perhaps with a test command added). */
  static CliRun on(CommandLine cl, String stdin, String... args) {
    return on(cl, stdin.getBytes(StandardCharsets.UTF_8), args);
  }

  private static CliRun on(CommandLine cl, byte[] stdin, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    // The commands read System.in, the one process-wide standard input; swap it for the run.
    synchronized (STDIN_LOCK) {
      InputStream saved = System.in;
      System.setIn(new ByteArrayInputStream(stdin));
      try {
        int code = KeyspaceCli.execute(cl, args);
        return new CliRun(code, out.toString(), err.toString());
      } finally {
        System.setIn(saved);
      }
    }
  }

  /**
   * Runs {@code keyspace sql} (which writes its rows as bytes, BLOBs as they are, to System.out
   * itself) in-process on {@code stdin}; output and error decoded as UTF-8.
   */
  static CliRun sql(String stdin, String... args) {
    Bytes b = withStdinBytes(stdin.getBytes(StandardCharsets.UTF_8), args);
    return new CliRun(b.exit(), new String(b.out(), StandardCharsets.UTF_8), new String(b.err(), StandardCharsets.UTF_8));
  }

  /** What a run wrote, byte for byte. */
  record Bytes(int exit, byte[] out, byte[] err) {}

  /** Runs the tool in-process on {@code stdin}, keeping standard output and error as bytes. */
  static Bytes withStdinBytes(byte[] stdin, String... args) {
    CommandLine cl = KeyspaceCli.commandLine();
    // Messages go to picocli's writers; the rows sql prints go to System.out as bytes.
    StringWriter picoOut = new StringWriter();
    StringWriter picoErr = new StringWriter();
    cl.setOut(new PrintWriter(picoOut, true));
    cl.setErr(new PrintWriter(picoErr, true));
    synchronized (STDIN_LOCK) {
      InputStream saved = System.in;
      PrintStream savedOut = System.out;
      ByteArrayOutputStream rawOut = new ByteArrayOutputStream();
      ByteArrayOutputStream rawErr = new ByteArrayOutputStream();
      System.setIn(new ByteArrayInputStream(stdin));
      System.setOut(new PrintStream(rawOut, true, StandardCharsets.UTF_8));
      try {
        int code = KeyspaceCli.execute(cl, args);
        rawOut.writeBytes(picoOut.toString().getBytes(StandardCharsets.UTF_8));
        rawErr.writeBytes(picoErr.toString().getBytes(StandardCharsets.UTF_8));
        return new Bytes(code, rawOut.toByteArray(), rawErr.toByteArray());
      } finally {
        System.setIn(saved);
        System.setOut(savedOut);
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
