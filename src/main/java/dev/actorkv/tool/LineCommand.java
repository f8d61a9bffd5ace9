package dev.actorkv.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;

/**
 * A command that maps one item to one line of output (ACTOR_KV_STRUCTURE.md section 7). With the argument given
 * it handles that item, and a bad item is a {@link Errors.UserError} (message on stderr, exit 2). With the
 * argument omitted it handles one item per line of standard input and writes one line per item; a bad
 * item writes {@code {"error":"<message>"}} on its line and the run goes on, exiting 1 at the end. Bad
 * items are those {@link Errors#isBadInput} recognises by type, and input lines that are not valid UTF-8
 * or longer than {@link #MAX_LINE_BYTES}; any other exception is a bug and ends the run (exit 70).
 */
abstract class LineCommand implements java.util.concurrent.Callable<Integer> {
  /**
   * Longest input line read in batch mode (1 MiB, far above any key and most tuples): a longer line is
   * an error on its line, skipped without being held in memory.
   */
  static final int MAX_LINE_BYTES = 1 << 20;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** The output line for one item; bad items throw a typed exception {@link Errors#isBadInput} accepts. */
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
      } catch (RuntimeException e) {
        if (Errors.isBadInput(e)) {
          throw new Errors.UserError(e.getMessage());
        }
        throw e;
      }
      out.println(result);
      out.flush();
      return Errors.OK;
    }
    boolean anyBad = false;
    InputLines in = new InputLines(System.in, MAX_LINE_BYTES);
    try {
      for (InputLines.Line line; (line = in.next()) != null; ) {
        String result;
        try {
          result = switch (line) {
            case InputLines.Text t -> apply(t.text().strip());
            case InputLines.Bad b -> Json.write(Map.of("error", "line " + b.number() + ": " + b.problem()));
          };
          if (line instanceof InputLines.Bad) {
            anyBad = true;
          }
        } catch (RuntimeException e) {
          if (!Errors.isBadInput(e)) {
            out.flush();
            throw e;
          }
          anyBad = true;
          result = Json.write(Map.of("error", e.getMessage() == null ? "bad input" : e.getMessage()));
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
    return anyBad ? Errors.FAILED : Errors.OK;
  }
}
