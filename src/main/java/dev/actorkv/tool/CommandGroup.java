package dev.actorkv.tool;

import picocli.CommandLine;

/** A command that only groups subcommands: run without one, it is a usage error naming them (exit 2). */
abstract class CommandGroup implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public final void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "missing subcommand: " + String.join(" or ", spec.subcommands().keySet()));
  }
}
