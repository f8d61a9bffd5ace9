package dev.actorkv.tool;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteException;
import dev.actorkv.sqlite.SqliteStorageException;
import dev.actorkv.sqlite.SqliteUnavailableException;
import dev.actorkv.store.ActorStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keyspace sql DB --actor ID [SQL]}: runs SQL on an actor's SQLite database, rows as {@code a|b}. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Runs SQL on the actor's SQLite database (its keys under [08][01]); with no SQL argument the statements",
      "are read from standard input. Rows print like the sqlite3 shell's list mode: values joined by '|', NULL",
      "as nothing. Each statement is its own transaction unless the script uses BEGIN/COMMIT."
    })
final class SqlCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "directory of the store")
  Path db;

  @Option(names = "--actor", required = true, paramLabel = "ID", description = "the actor whose database to use")
  String actor;

  @Parameters(index = "1", arity = "0..1", paramLabel = "SQL", description = "SQL statements (default: read standard input)")
  String sql;

  @Override
  public Integer call() throws IOException {
    String script = sql != null ? sql : standardInput();
    PrintWriter out = spec.commandLine().getOut();
    try (ActorStore store = StoreAccess.openExisting(db)) {
      StoreAccess.checkActorId(store, actor);
      try (SqliteDatabase database = SqliteDatabase.open(store.actor(actor))) {
        database.executeScript(script, row -> out.println(listMode(row)));
      } catch (SqliteUnavailableException | SqliteStorageException e) {
        throw new Errors.UserError(e.getMessage(), Errors.FAILED);
      } catch (SqliteException e) {
        throw new Errors.UserError("SQL error: " + e.getMessage());
      } finally {
        out.flush();
      }
    }
    return 0;
  }

  private static String standardInput() throws IOException {
    try {
      return Utf8.decode(System.in.readAllBytes());
    } catch (Utf8.InvalidException e) {
      throw new Errors.UserError("standard input: " + e.getMessage());
    }
  }

  /** One row the way the sqlite3 shell prints it in list mode. */
  static String listMode(List<String> row) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < row.size(); i++) {
      if (i > 0) {
        sb.append('|');
      }
      if (row.get(i) != null) {
        sb.append(row.get(i));
      }
    }
    return sb.toString();
  }
}
