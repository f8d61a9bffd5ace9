package dev.actorkv.tool;

import dev.actorkv.sqlite.SqlScript;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The sqlite3 shell on an actor's database: reads lines, gathers them into statements the way sqlite3
 * 3.40 does ({@code process_input}: a quick scan for a final semicolon outside quotes, then
 * {@code sqlite3_complete}), runs each group of complete statements as it arrives and prints rows in
 * the current output mode. A failed statement prints sqlite3's message on stderr and ends its group;
 * the session goes on and {@link #run} then reports failure. Lines starting with a dot are
 * {@link DotCommands}.
 */
final class SqlShell {
  /** What {@link #run} ends with. */
  enum Outcome {
    OK,
    FAILED,
    /** {@code .exit CODE}: end now with that status. */
    EXIT
  }

  final SqliteDatabase db;
  final ShellOutput output;
  private final OutputStream out;
  private final PrintWriter err;
  private final DotCommands dot;
  private int exitCode;

  SqlShell(SqliteDatabase db, OutputStream out, PrintWriter err) {
    this.db = db;
    this.out = out;
    this.err = err;
    this.output = new ShellOutput(out);
    this.dot = new DotCommands(this);
  }

  /** The status {@code .exit CODE} asked for (after {@link Outcome#EXIT}). */
  int exitCode() {
    return exitCode;
  }

  /**
   * Runs every line of {@code input} (the shell's {@code process_input}). A statement is held whole
   * until it is complete; one too large for the JVM's heap ends the run as a failed one (exit 1, the
   * statements before it ran, nothing of it did) instead of an internal error.
   */
  Outcome run(ShellInput input) throws IOException {
    int[] statementLine = {1}; // the line the statement being read started on
    try {
      return runLines(input, statementLine);
    } catch (OutOfMemoryError e) {
      // The statement's bytes were the one large allocation and are unreachable now.
      throw new Errors.UserError("the statement starting on line " + statementLine[0] + " does not fit in memory (the JVM's maximum "
          + "heap is " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB; a statement is held whole until it "
          + "ends); the statements before it ran, nothing of it did", Errors.FAILED);
    }
  }

  private Outcome runLines(ShellInput input, int[] statementLine) throws IOException {
    int errors = 0;
    ByteArrayOutputStream sql = new ByteArrayOutputStream();
    int lineno = 0;
    int startline = 0;
    int qss = QuickScan.START;
    while (true) {
      statementLine[0] = sql.size() > 0 ? startline : lineno + 1;
      byte[] line = input.readLine(sql.size() > 0);
      if (line == null) {
        break;
      }
      lineno++;
      if (ShellOutput.cString(line).length != line.length) {
        // sqlite3 would silently drop the rest of the line; refuse it instead (exit 2).
        out.flush();
        throw new Errors.UserError("the SQL contains a NUL character (in line " + lineno + "); nothing of that line ran");
      }
      if (QuickScan.inPlain(qss) && isCommandTerminator(line) && lineIsComplete(sql)) {
        line = new byte[] {';'};
      }
      qss = QuickScan.scan(line, qss);
      if (QuickScan.plainWhite(qss) && sql.size() == 0) {
        qss = QuickScan.START; // a line of only whitespace and comments
        continue;
      }
      if (sql.size() == 0 && line.length > 0 && (line[0] == '.' || line[0] == '#')) {
        if (line[0] == '.') {
          out.flush();
          DotCommands.Result r = dot.run(line);
          if (r == DotCommands.Result.QUIT) {
            break;
          } else if (r == DotCommands.Result.EXIT) {
            exitCode = dot.exitCode();
            out.flush();
            return Outcome.EXIT;
          } else if (r == DotCommands.Result.ERROR) {
            errors++;
          }
        }
        qss = QuickScan.START;
        continue;
      }
      if (sql.size() == 0) {
        int i = 0;
        while (i < line.length && QuickScan.isSpace(line[i] & 0xff)) {
          i++;
        }
        sql.write(line, i, line.length - i);
        startline = lineno;
      } else {
        sql.write('\n');
        sql.write(line);
      }
      if (sql.size() > 0 && QuickScan.semiTerminated(qss) && SqlScript.complete(sql.toByteArray())) {
        errors += runGroup(sql.toByteArray(), startline, input.interactive());
        sql.reset();
        qss = QuickScan.START;
      } else if (sql.size() > 0 && QuickScan.plainWhite(qss)) {
        sql.reset();
        qss = QuickScan.START;
      }
    }
    if (sql.size() > 0) {
      // Maybe incomplete: SQLite says what is wrong with it.
      errors += runGroup(sql.toByteArray(), startline, input.interactive());
    }
    out.flush();
    return errors > 0 ? Outcome.FAILED : Outcome.OK;
  }

  /** Runs SQL given on the command line (not read from input): errors as sqlite3 prints them for it. */
  Outcome runArgument(byte[] sql) throws IOException {
    if (sql.length > 0 && sql[0] == '.') {
      DotCommands.Result r = dot.run(sql);
      out.flush();
      if (r == DotCommands.Result.EXIT) {
        exitCode = dot.exitCode();
        return Outcome.EXIT;
      }
      return r == DotCommands.Result.ERROR ? Outcome.FAILED : Outcome.OK;
    }
    String error = execute(sql);
    out.flush();
    if (error != null) {
      err.print("Error: " + error + "\n");
      err.flush();
      return Outcome.FAILED;
    }
    return Outcome.OK;
  }

  /** The shell's {@code runOneSqlLine}: 1 when a statement of the group failed, after saying so. */
  private int runGroup(byte[] sql, int startline, boolean interactive) throws IOException {
    String error = execute(sql);
    if (error == null) {
      return 0;
    }
    String type;
    String tail;
    if (error.startsWith("in prepare, ")) {
      type = "Parse error";
      tail = error.substring("in prepare, ".length());
    } else if (error.startsWith("stepping, ")) {
      type = "Runtime error";
      tail = error.substring("stepping, ".length());
    } else {
      type = "Error";
      tail = error;
    }
    out.flush();
    String prefix = interactive ? type + ":" : type + " near line " + startline + ":";
    err.print(prefix + " " + tail + "\n");
    err.flush();
    return 1;
  }

  /**
   * The shell's {@code shell_exec}: runs the statements of {@code sql} in order, stopping at the first
   * that fails; returns null, or the error as sqlite3 words it ("in prepare, ..." or "stepping, ...").
   */
  String execute(byte[] sql) throws IOException {
    if (!com.google.common.base.Utf8.isWellFormed(sql)) {
      // sqlite3 would store the bytes as they are; an actor's database holds only valid UTF-8 text.
      try {
        Utf8.decode(sql);
      } catch (Utf8.InvalidException e) {
        return "in prepare, " + e.getMessage();
      }
    }
    try (SqlScript script = SqlScript.of(db, sql)) {
      int at = skipSpace(sql, 0, script.length());
      while (at < script.length()) {
        boolean prepared;
        try {
          prepared = script.prepare(at);
        } catch (SqliteException e) {
          Errors.rethrowOwnership(e);
          return "in prepare, " + message(e) + errorContext(sql, at, script.length(), script.errorOffset());
        }
        if (!prepared) {
          at = skipSpace(sql, script.tail(), script.length()); // a comment or whitespace
          continue;
        }
        output.startStatement();
        try {
          while (script.step()) {
            output.row(script);
          }
        } catch (SqliteException e) {
          Errors.rethrowOwnership(e);
          output.endStatement();
          return "stepping, " + message(e);
        } finally {
          script.finish();
        }
        output.endStatement();
        at = skipSpace(sql, script.tail(), script.length());
      }
    }
    return null;
  }

  /** SQLite's message, with the primary result code after it unless it is plain SQLITE_ERROR. */
  private static String message(SqliteException e) {
    int rc = e.primaryResultCode();
    return rc > 1 ? e.getMessage() + " (" + rc + ")" : e.getMessage();
  }

  /** The shell's {@code shell_error_context}: the statement with a marker under the error's offset. */
  static String errorContext(byte[] sql, int start, int end, int offset) {
    if (offset < 0) {
      return "";
    }
    int p = start;
    while (offset > 50) {
      offset--;
      p++;
      while (p < end && (sql[p] & 0xc0) == 0x80) {
        p++;
        offset--;
      }
    }
    int len = Math.max(0, end - p);
    if (len > 78) {
      len = 78;
      while (len > 0 && (sql[p + len] & 0xc0) == 0x80) {
        len--;
      }
    }
    byte[] code = Arrays.copyOfRange(sql, p, p + len);
    for (int i = 0; i < code.length; i++) {
      if (QuickScan.isSpace(code[i] & 0xff)) {
        code[i] = ' ';
      }
    }
    String text = new String(code, StandardCharsets.UTF_8);
    if (offset < 25) {
      return "\n  " + text + "\n  " + " ".repeat(Math.abs(offset)) + "^--- error here";
    }
    return "\n  " + text + "\n  " + " ".repeat(Math.abs(offset - 14)) + "error here ---^";
  }

  private static int skipSpace(byte[] b, int i, int end) {
    while (i < end && QuickScan.isSpace(b[i] & 0xff)) {
      i++;
    }
    return i;
  }

  /** A line that is only "/" (Oracle) or "go" (SQL Server) ends a statement like ";". */
  private static boolean isCommandTerminator(byte[] line) {
    int i = skipSpace(line, 0, line.length);
    if (i < line.length && line[i] == '/') {
      i += 1;
    } else if (i + 1 < line.length && (line[i] | 0x20) == 'g' && (line[i + 1] | 0x20) == 'o') {
      i += 2;
    } else {
      return false;
    }
    return QuickScan.scan(Arrays.copyOfRange(line, i, line.length), QuickScan.START) == QuickScan.START;
  }

  private static boolean lineIsComplete(ByteArrayOutputStream sql) {
    if (sql.size() == 0) {
      return true;
    }
    byte[] b = Arrays.copyOf(sql.toByteArray(), sql.size() + 1);
    b[b.length - 1] = ';';
    return SqlScript.complete(b);
  }

  /** Writes a message line on stderr, after the output so far (the two may share a terminal). */
  void error(String message) throws IOException {
    out.flush();
    err.print(message + "\n");
    err.flush();
  }
}
