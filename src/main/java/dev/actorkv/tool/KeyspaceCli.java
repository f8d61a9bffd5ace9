package dev.actorkv.tool;

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

  /** Builds the command line with every subcommand registered. */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new KeyspaceCli());
    // Subcommands register here, one line each.
    cl.addSubcommand(new TupleCommand());
    cl.addSubcommand(new KeyCommand());
    cl.addSubcommand(new DemoCommand());
    cl.addSubcommand(new DumpCommand());
    cl.addSubcommand(new ExportCommand());
    cl.addSubcommand(new ImportCommand());
    cl.addSubcommand(new CheckCommand());
    cl.addSubcommand(new MigrateCommand());
    cl.addSubcommand(new SqlCommand());
    cl.addSubcommand(new RepairCommand());
    cl.addSubcommand(new CopyCommand());
    cl.setExecutionExceptionHandler(new Errors.Handler());
    cl.setParameterExceptionHandler(new Errors.ParameterHandler());
    return cl;
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
    int code = execute(commandLine(), args);
    System.out.flush();
    System.exit(code);
  }
}
