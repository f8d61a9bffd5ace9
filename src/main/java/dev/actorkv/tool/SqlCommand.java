package dev.actorkv.tool;

import dev.actorkv.sqlite.InvalidSqlTextException;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteException;
import dev.actorkv.sqlite.SqliteStorageException;
import dev.actorkv.sqlite.SqliteUnavailableException;
import dev.actorkv.store.ActorStore;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code keyspace sql DB --actor ID [--readonly] [MODE FLAGS] [SQL]}: the sqlite3 shell on an actor's
 * SQLite database ({@link SqlShell}). Mode flags apply in the order given, as in sqlite3.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "The sqlite3 shell on the actor's SQLite database (its keys under [08][01]): the same output modes,",
      "dot-commands (.tables, .schema, .headers, .mode, .separator, .nullvalue, .help, .quit) and messages.",
      "Without SQL the statements are read from standard input and run as they arrive; on a terminal it",
      "prompts, with line editing and history. Exits 1 when a statement failed. The SQL reaches this database",
      "only: ATTACH, VACUUM INTO, load_extension, fts3_tokenizer and pragmas that change the process are",
      "refused. A line holding a NUL character is refused before it runs (exit 2)."
    })
final class SqlCommand implements Callable<Integer> {
  /** Where rows go: standard output, taken when the command runs. */
  private final Supplier<OutputStream> rawOut;

  SqlCommand(Supplier<OutputStream> rawOut) {
    this.rawOut = rawOut;
  }

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin LeaseMixin lease = new LeaseMixin();

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI (created when missing or empty)")
  String db;

  @Option(names = "--actor", required = true, paramLabel = "ID", description = "the actor whose database to use")
  String actor;

  @Option(names = "--readonly", description = "open the store and the database read-only; every write fails")
  boolean readonly;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SQL", description = "SQL or a dot-command (default: read standard input)")
  String sql;

  /** The mode flags in command-line order (picocli calls the setters in that order). */
  private final List<Consumer<ShellOutput>> modeFlags = new ArrayList<>();

  @Option(names = {"-list", "--list"}, description = "list mode: values joined by the separator (default)")
  void list(boolean on) {
    modeFlags.add(o -> o.mode = ShellOutput.Mode.LIST);
  }

  @Option(names = {"-csv", "--csv"}, description = "CSV mode")
  void csv(boolean on) {
    modeFlags.add(o -> {
      o.mode = ShellOutput.Mode.CSV;
      o.colSeparator = ShellOutput.SEP_COMMA;
    });
  }

  @Option(names = {"-json", "--json"}, description = "JSON mode")
  void json(boolean on) {
    modeFlags.add(o -> o.mode = ShellOutput.Mode.JSON);
  }

  @Option(names = {"-line", "--line"}, description = "line mode: one value per line")
  void line(boolean on) {
    modeFlags.add(o -> o.mode = ShellOutput.Mode.LINE);
  }

  @Option(names = {"-tabs", "--tabs"}, description = "list mode with tabs between values")
  void tabs(boolean on) {
    modeFlags.add(o -> {
      o.mode = ShellOutput.Mode.LIST;
      o.colSeparator = ShellOutput.SEP_TAB;
    });
  }

  @Option(names = {"-header", "--header"}, description = "print column names")
  void header(boolean on) {
    modeFlags.add(o -> o.showHeader = true);
  }

  @Option(names = {"-noheader", "--noheader"}, description = "do not print column names (default)")
  void noheader(boolean on) {
    modeFlags.add(o -> o.showHeader = false);
  }

  @Option(names = {"-separator", "--separator"}, paramLabel = "SEP", description = "column separator (default |)")
  void separator(String sep) {
    modeFlags.add(o -> o.colSeparator = limit(sep));
  }

  @Option(names = {"-newline", "--newline"}, paramLabel = "SEP", description = "row separator (default \\n)")
  void newline(String sep) {
    modeFlags.add(o -> o.rowSeparator = limit(sep));
  }

  @Option(names = {"-nullvalue", "--nullvalue"}, paramLabel = "TEXT", description = "text for NULL (default empty)")
  void nullvalue(String text) {
    modeFlags.add(o -> o.nullValue = limit(text));
  }

  private static byte[] limit(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return b.length <= 19 ? b : java.util.Arrays.copyOf(b, 19);
  }

  /**
   * Starts SQLite's once-per-process linking ({@link SqliteDatabase#linkNativeCalls()}) on a second
   * thread, so that it overlaps picocli's parsing and the store's opening instead of following them
   * (about 0.2 s of a short session's start on an idle core). A failure is left to the database's open,
   * which meets it again and reports it as usual.
   */
  static void linkSqliteInBackground() {
    Thread.ofPlatform().daemon().name("sqlite-link").start(() -> {
      try {
        SqliteDatabase.linkNativeCalls();
      } catch (Throwable reportedByOpen) {
        // the open that follows fails the same way and reports it (no stack trace from this thread)
      }
    });
  }

  @Override
  public Integer call() throws IOException {
    // The shell writes in large blocks and flushes when it waits for input. A PrintStream (System.out)
    // flushes on every write and swallows failures; the tool's own standard output throws them, naming
    // the reason.
    OutputStream target = rawOut.get();
    OutputStream out = target instanceof PrintStream ps ? new CheckedOutput(ps) : new BufferedOutputStream(target, 64 * 1024);
    try (ActorStore store = readonly ? StoreAccess.openForReading(db) : StoreAccess.openForWriting(db, lease)) {
      StoreAccess.checkActorId(store, actor);
      try (SqliteDatabase database = SqliteDatabase.open(store.actor(actor))) {
        if (readonly) {
          // Every statement that would write fails with SQLite's "attempt to write a readonly database".
          database.executeScript("PRAGMA query_only=1");
        }
        SqlShell shell = new SqlShell(database, out, spec.commandLine().getErr());
        for (Consumer<ShellOutput> flag : modeFlags) {
          flag.accept(shell.output);
        }
        SqlShell.Outcome outcome;
        if (sql != null) {
          outcome = shell.runArgument(sql.getBytes(StandardCharsets.UTF_8));
        } else {
          boolean terminal = Terminal.isStdinTerminal();
          if (terminal) {
            out.write(("keyspace sql: actor " + Json.quote(actor) + " of " + db + ", SQLite " + SqliteDatabase.libraryVersion()
                + "\nEnter \".help\" for usage hints.\n").getBytes(StandardCharsets.UTF_8));
          }
          try (ShellInput input = terminal ? TerminalInput.open(out) : new ShellInput.Stream(System.in, out::flush)) {
            outcome = shell.run(input);
          }
        }
        out.flush();
        return switch (outcome) {
          case OK -> 0;
          case FAILED -> Errors.FAILED;
          case EXIT -> shell.exitCode();
        };
      } catch (SqliteUnavailableException | SqliteStorageException e) {
        Errors.rethrowOwnership(e);
        throw new Errors.UserError(e.getMessage(), Errors.FAILED);
      } catch (InvalidSqlTextException e) {
        throw new Errors.UserError(e.getMessage());
      } catch (SqliteException e) {
        Errors.rethrowOwnership(e);
        throw new Errors.UserError("SQL error: " + e.getMessage(), Errors.FAILED);
      } finally {
        out.flush();
      }
    }
  }

  /** Buffers writes to a PrintStream (which swallows I/O errors) and turns its error flag into one. */
  static final class CheckedOutput extends BufferedOutputStream {
    private final PrintStream target;

    CheckedOutput(PrintStream target) {
      super(target, 64 * 1024);
      this.target = target;
    }

    @Override
    public synchronized void flush() throws IOException {
      super.flush();
      if (target.checkError()) {
        throw new IOException("cannot write to standard output");
      }
    }
  }
}
