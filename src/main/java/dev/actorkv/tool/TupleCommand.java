package dev.actorkv.tool;

import dev.actorkv.tuple.Tuple;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyspace tuple pack|unpack}: FoundationDB tuples between JSON notation and packed hex. */
@Command(
    name = "tuple",
    mixinStandardHelpOptions = true,
    description = "Pack and unpack FoundationDB tuples (JSON notation of ACTOR_KV_STRUCTURE.md section 7).",
    subcommands = {TupleCommand.Pack.class, TupleCommand.Unpack.class})
final class TupleCommand extends CommandGroup {
  @Command(
      name = "pack",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the lowercase hex of the packed tuple.",
        "%nJSON is an array of: null, true, false, integers of any size, strings, nested arrays,"
            + " {\"bytes\":\"<hex>\"}, {\"float\":X}, {\"double\":X} (X a number or \"NaN\", \"Infinity\","
            + " \"-Infinity\", \"-0\"), {\"uuid\":\"<8-4-4-4-12 hex>\"}, {\"versionstamp\":\"<24 hex>\"}.",
        "%nAs in the reference tool, an integer literal beyond +/-(2^53-1) that is exactly how a double prints"
            + " (e.g. -9007199254740992) is a double; write {\"int\":\"<decimal>\"} for such an integer.",
        "%nWithout JSON, packs one tuple per line of standard input and prints one line each;"
            + " a bad line prints {\"error\":\"<message>\"} and the run goes on, exiting 1 at the end."
      })
  static final class Pack extends LineCommand {
    @Parameters(arity = "0..1", paramLabel = "JSON", description = "The tuple in JSON notation, e.g. '[1, \"a\", null]'.")
    String json;

    @Override
    String argument() {
      return json;
    }

    @Override
    String apply(String item) {
      return Hex.encode(TupleJson.parse(item).pack());
    }
  }

  @Command(
      name = "unpack",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the tuple in JSON notation.",
        "%nOnly canonical encodings are accepted; anything else is an error naming the byte offset and the problem.",
        "%nWithout HEX, unpacks one tuple per line of standard input and prints one line each;"
            + " a bad line prints {\"error\":\"<message>\"} and the run goes on, exiting 1 at the end."
      })
  static final class Unpack extends LineCommand {
    @Parameters(arity = "0..1", paramLabel = "HEX", description = "The packed tuple as hex, e.g. 1501.")
    String hex;

    @Override
    String argument() {
      return hex;
    }

    @Override
    String apply(String item) {
      return TupleJson.format(Tuple.fromBytes(Hex.decode(item, "packed tuple")));
    }
  }
}
