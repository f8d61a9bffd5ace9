package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line built for one command (to start faster) behaves as the one with every command. */
class CommandRegistrationTest {
  private static final Supplier<OutputStream> OUT = () -> System.out;

  @Test
  void everyCommandIsRegisteredUnderItsOwnName() {
    for (Map.Entry<String, Supplier<Object>> e : KeyspaceCli.commands(OUT).entrySet()) {
      assertEquals(e.getKey(), new CommandLine(e.getValue().get()).getCommandName());
    }
  }

  @Test
  void aCommandAloneHasTheSameHelpAsAmongAll() {
    CommandLine all = KeyspaceCli.commandLine(OUT);
    assertEquals(KeyspaceCli.commands(OUT).keySet(), all.getSubcommands().keySet().stream()
        .filter(n -> !n.equals("help")).collect(java.util.stream.Collectors.toCollection(java.util.LinkedHashSet::new)));
    for (String name : KeyspaceCli.commands(OUT).keySet()) {
      CommandLine alone = KeyspaceCli.commandLine(OUT, name);
      assertEquals(all.getSubcommands().get(name).getUsageMessage(), alone.getSubcommands().get(name).getUsageMessage(), name);
    }
  }

  @Test
  void anUnknownFirstArgumentGetsEveryCommand() {
    assertEquals(KeyspaceCli.commandLine(OUT).getSubcommands().keySet(),
        KeyspaceCli.commandLine(OUT, "sqll").getSubcommands().keySet());
    assertEquals(KeyspaceCli.commandLine(OUT).getSubcommands().keySet(),
        KeyspaceCli.commandLine(OUT, "help").getSubcommands().keySet());
  }
}
