package dev.actorkv.tool;

import dev.actorkv.backup.BackupFolderException;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.DamagedStoreException;
import dev.actorkv.store.IncompatibleStoreException;
import dev.actorkv.store.InvalidKeyException;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.postgres.InvalidStoreUriException;
import dev.actorkv.tuple.TupleFormatException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * How the tool reports failures (ACTOR_KV_STRUCTURE.md, the keyspace command line contract): one line
 * {@code keyspace: <message>} on stderr, never a stack trace or a class name, and an exit status that says
 * what kind of failure it was. Bad input is recognised only by its type ({@link UserError} and the
 * library's decoding and limit exceptions); anything else that escapes a command is a bug of the tool or
 * the library and exits {@link #INTERNAL}, so a library bug is never reported as the user's mistake.
 */
final class Errors {
  static final int OK = 0;
  /** A check found problems, a statement failed, a batch run had a bad line, or the store could not be read or written. */
  static final int FAILED = 1;
  static final int BAD_INPUT = 2;
  /** The actor is owned by another live process, or this process was fenced (PostgreSQL stores). */
  static final int OWNERSHIP = 3;
  /** A bug: an exception no command expected (sysexits' EX_SOFTWARE). */
  static final int INTERNAL = 70;

  /** Set to 1 to have an internal error also print its stack trace, for a bug report. */
  static final String DEBUG_VARIABLE = "KEYSPACE_DEBUG";

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

  /**
   * Rethrows the ownership failure behind {@code t} (a SQLite error caused by a refused write, say): an
   * actor owned elsewhere or taken over ends the command with exit 3, never as a failed statement.
   */
  static void rethrowOwnership(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ActorOwnedException o) {
        throw o;
      }
      if (c instanceof ActorFencedException f) {
        throw f;
      }
    }
  }

  /** Input the library refused by decoding or measuring it: the user's to fix (exit 2). */
  static boolean isBadInput(Throwable t) {
    return t instanceof TupleNotationException
        || t instanceof TupleFormatException
        || t instanceof KeyFormatException
        || t instanceof LimitExceededException
        || t instanceof InvalidKeyException
        || t instanceof IncompatibleStoreException
        || t instanceof DamagedStoreException
        || t instanceof InvalidStoreUriException
        || t instanceof BackupFolderException;
  }

  /** The exit status for a failure that ended a command. */
  static int exitCode(Throwable t) {
    if (t instanceof UserError u) {
      return u.exitCode;
    }
    if (t instanceof ActorOwnedException || t instanceof ActorFencedException) {
      return OWNERSHIP;
    }
    if (isBadInput(t)) {
      return BAD_INPUT;
    }
    // The store or a file could not be read or written (I/O error, damage the engine reports): the
    // operation failed, but nothing says the tool or library is wrong.
    if (t instanceof StoreException || t instanceof IOException || t instanceof UncheckedIOException) {
      return FAILED;
    }
    return INTERNAL;
  }

  /**
   * Prints the one-line report of {@code t} on {@code err} and returns the exit status. An internal
   * error prints its own message and those of its causes (an {@link ExceptionInInitializerError} has none
   * of its own), never a class name; with {@code KEYSPACE_DEBUG=1} also the stack trace.
   */
  static int report(Throwable t, PrintWriter err) {
    int code = exitCode(t);
    if (code == INTERNAL) {
      err.println("keyspace: internal error: " + internalMessage(t));
      if ("1".equals(System.getenv(DEBUG_VARIABLE))) {
        t.printStackTrace(err);
      } else {
        err.println("keyspace: run again with " + DEBUG_VARIABLE + "=1 to print where it happened");
      }
    } else {
      err.println("keyspace: " + (t.getMessage() == null ? "failed" : t.getMessage()));
    }
    err.flush();
    return code;
  }

  /** The messages of {@code t} and its causes, without repeats; a fixed text when none has one. */
  static String internalMessage(Throwable t) {
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    for (Throwable c = t; c != null && depth < 8; c = c.getCause(), depth++) {
      String m = c.getMessage();
      if (m == null || m.isBlank() || sb.indexOf(m) >= 0) {
        continue;
      }
      if (!sb.isEmpty()) {
        sb.append(": ");
      }
      sb.append(m.strip());
    }
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnsatisfiedLinkError) {
        sb.insert(0, "cannot load a native library: ");
        break;
      }
    }
    return sb.isEmpty() ? "an unexpected failure without a message" : sb.toString();
  }

  static final class Handler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
      // picocli hands over the command's exception itself, or its own wrapper when the command threw an Error.
      Throwable t = ex instanceof CommandLine.ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
      return report(t, cl.getErr());
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
