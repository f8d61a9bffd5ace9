package dev.actorkv.tool;

import java.io.PrintWriter;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code keyspace} tool (ACTOR_KV_STRUCTURE.md section 7). Each subcommand is its own class;
 * failures print a one-line message on stderr and exit with the status {@link Errors} chooses, never a
 * stack trace.
 */
@Command(
    name = "keyspace",
    mixinStandardHelpOptions = true,
    version = "keyspace (actor-kv) 0.1.0",
    description = "Describe, dump, check, export, import and migrate actor keyspaces.",
    subcommands = {CommandLine.HelpCommand.class})
public final class KeyspaceCli implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
  }

  /** Builds the command line with every subcommand registered; {@code sql} writes rows to System.out. */
  static CommandLine commandLine() {
    return commandLine(() -> System.out);
  }

  /**
   * Builds the command line with every subcommand; {@code sql} writes its rows (bytes, BLOBs as they
   * are) to the stream {@code rawOut} gives when it runs, the others through picocli's writer.
   */
  static CommandLine commandLine(Supplier<OutputStream> rawOut) {
    return commandLine(rawOut, null);
  }

  /**
   * Builds the command line for a run whose first argument is {@code first}. picocli reads every
   * registered command's annotations by reflection when it is added, a third of a short run's start-up
   * with all of them; so when {@code first} names a command only that one is registered (its help and
   * errors are the same), and every command otherwise (no command, {@code help}, a misspelt one).
   */
  static CommandLine commandLine(Supplier<OutputStream> rawOut, String first) {
    CommandLine cl = new CommandLine(new KeyspaceCli());
    Map<String, Supplier<Object>> commands = commands(rawOut);
    Supplier<Object> only = first == null ? null : commands.get(first);
    if (only != null) {
      cl.addSubcommand(first, only.get());
    } else {
      commands.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    // Help (--help, --version) is printed outside the commands, where picocli would print a failed write
    // as a stack trace; routed here, it is reported like any command's failure.
    cl.setExecutionStrategy(parsed -> {
      try {
        return new CommandLine.RunLast().execute(parsed);
      } catch (Errors.UserError e) {
        throw new CommandLine.ExecutionException(parsed.commandSpec().commandLine(), e.getMessage(), e);
      }
    });
    cl.setExecutionExceptionHandler(new Errors.Handler());
    cl.setParameterExceptionHandler(new Errors.ParameterHandler());
    return cl;
  }

  /** Every subcommand by its name (the name its {@code @Command} gives, which a test checks). */
  static Map<String, Supplier<Object>> commands(Supplier<OutputStream> rawOut) {
    Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
    // Subcommands register here, one line each, in the order help lists them.
    commands.put("tuple", TupleCommand::new);
    commands.put("key", KeyCommand::new);
    commands.put("demo", DemoCommand::new);
    commands.put("dump", DumpCommand::new);
    commands.put("export", ExportCommand::new);
    commands.put("import", ImportCommand::new);
    commands.put("check", CheckCommand::new);
    commands.put("migrate", MigrateCommand::new);
    commands.put("sql", () -> new SqlCommand(rawOut));
    commands.put("repair", RepairCommand::new);
    commands.put("copy", CopyCommand::new);
    commands.put("owners", OwnersCommand::new);
    commands.put("alarms", AlarmsCommand::new);
    commands.put("backup", BackupCommand::new);
    commands.put("restore", RestoreCommand::new);
    commands.put("backups", BackupsCommand::new);
    commands.put("traces", () -> new TracesCommand(rawOut));
    return commands;
  }

  /**
   * Runs {@code args} on {@code cl}. picocli hands a command's exceptions to {@link Errors.Handler} but
   * lets an {@link Error} through (a native library that does not load, a class that fails to
   * initialise): reported here the same way, as an internal error without a stack trace.
   */
  static int execute(CommandLine cl, String... args) {
    try {
      return cl.execute(args);
    } catch (Throwable t) {
      return Errors.report(t, cl.getErr());
    }
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("sql")) {
      SqlCommand.linkSqliteInBackground();
    }
    StrictOutputStream stdout = StrictOutputStream.standardOutput();
    CommandLine cl = commandLine(() -> stdout, args.length > 0 ? args[0] : null);
    PrintWriter out = stdout.writer(true);
    cl.setOut(out);
    String[] arguments;
    try {
      arguments = Arguments.of(args);
    } catch (Errors.UserError e) {
      System.exit(report(cl, e));
      return;
    }
    int code = execute(cl, arguments);
    boolean reported = stdout.failed(); // a failed write stopped the command, and the handler said so
    try {
      // Output still buffered is part of the result: failing to write it fails the run.
      out.flush();
    } catch (Errors.UserError e) {
      if (!reported) {
        report(cl, e);
      }
      if (code == 0) {
        code = e.exitCode;
      }
    }
    System.exit(code);
  }

  private static int report(CommandLine cl, Errors.UserError e) {
    cl.getErr().println("keyspace: " + e.getMessage());
    cl.getErr().flush();
    return e.exitCode;
  }
}
