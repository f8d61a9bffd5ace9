package dev.actorkv.tool;

import java.io.PrintWriter;
import picocli.CommandLine;

/** How the tool reports failures: a message, never a stack trace; exit 2 for bad input, 1 otherwise. */
final class Errors {
  static final int BAD_INPUT = 2;
  static final int FAILED = 1;

  private Errors() {}

  /** An error whose message is for the user; the command exits with {@code exitCode}. */
  static final class UserError extends RuntimeException {
    final int exitCode;

    UserError(String message, int exitCode) {
      super(message);
      this.exitCode = exitCode;
    }

    UserError(String message) {
      this(message, BAD_INPUT);
    }
  }

  static final class Handler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
      PrintWriter err = cl.getErr();
      String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
      err.println("keyspace: " + message);
      err.flush();
      if (ex instanceof UserError u) {
        return u.exitCode;
      }
      return ex instanceof IllegalArgumentException ? BAD_INPUT : FAILED;
    }
  }

  static final class ParameterHandler implements CommandLine.IParameterExceptionHandler {
    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
      CommandLine cl = ex.getCommandLine();
      cl.getErr().println("keyspace: " + ex.getMessage());
      cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
      cl.getErr().flush();
      return BAD_INPUT;
    }
  }
}
