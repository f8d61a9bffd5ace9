package dev.actorkv.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * A command that maps one item to one line of output (KEYSPACE.md section 6). With the argument given
 * it handles that item, and a bad item is a {@link Errors.UserError} (message on stderr, exit 2). With the
 * argument omitted it handles one item per line of standard input and writes one line per item; a bad
 * item writes {@code {"error":"<message>"}} on its line and the run goes on (exit 0). Input lines must be
 * valid UTF-8 and at most {@link #MAX_LINE_BYTES} long; any other line is a bad item.
 */
abstract class LineCommand implements java.util.concurrent.Callable<Integer> {
  /**
   * Longest input line read in batch mode (1 MiB, far above any key and most tuples): a longer line is
   * an error on its line, skipped without being held in memory.
   */
  static final int MAX_LINE_BYTES = 1 << 20;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The output line for one item; bad items throw {@link IllegalArgumentException} with a user message. */
  abstract String apply(String item);

  /** The item given on the command line, or null for batch mode. */
  abstract String argument();

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    String argument = argument();
    if (argument != null) {
      String result;
      try {
        result = apply(argument.strip());
      } catch (IllegalArgumentException e) {
        throw new Errors.UserError(e.getMessage());
      }
      out.println(result);
      out.flush();
      return 0;
    }
    InputLines in = new InputLines(System.in, MAX_LINE_BYTES);
    try {
      for (InputLines.Line line; (line = in.next()) != null; ) {
        String result;
        try {
          result = switch (line) {
            case InputLines.Text t -> apply(t.text().strip());
            case InputLines.Bad b -> throw new IllegalArgumentException("line " + b.number() + ": " + b.problem());
          };
        } catch (IllegalArgumentException e) {
          result = Json.write(Map.of("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
        out.println(result);
        // Flush when no more input is waiting, so a process that writes one line and waits for the
        // answer gets it, while a piped file is written in large blocks.
        if (!in.ready()) {
          out.flush();
        }
      }
    } catch (IOException e) {
      throw new Errors.UserError("cannot read standard input: " + IoMessages.reason(e), Errors.FAILED);
    }
    out.flush();
    return 0;
  }
}
