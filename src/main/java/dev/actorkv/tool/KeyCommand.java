package dev.actorkv.tool;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.keyspace.KeyDescriber;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code keyspace key describe|encode}: logical keys between hex and their describe objects. */
@Command(
    name = "key",
    mixinStandardHelpOptions = true,
    description = "Describe logical keys as JSON objects and encode such objects back to keys.",
    subcommands = {KeyCommand.Describe.class, KeyCommand.Encode.class})
final class KeyCommand extends CommandGroup {
  @Command(
      name = "describe",
      mixinStandardHelpOptions = true,
      description = {
        "Prints one JSON object naming the logical key, e.g."
            + " {\"namespace\":\"queue\",\"version\":1,\"kind\":\"message\",\"id\":1}; legacy keys report \"version\":0.",
        "%nA key that is not exactly one key of the layout (wrong prefix or version, truncated,"
            + " trailing bytes, non-canonical integer, unknown tag, invalid UTF-8) is an error.",
        "%nWithout HEX, describes one key per line of standard input and prints one line each;"
            + " a bad line prints {\"error\":\"<message>\"} and the run goes on, exiting 1 at the end."
      })
  static final class Describe extends LineCommand {
    @Parameters(arity = "0..1", paramLabel = "HEX", description = "The logical key as hex, e.g. 0501020000000000000001.")
    String hex;

    @Override
    String argument() {
      return hex;
    }

    @Override
    String apply(String item) {
      return Json.write(KeyJson.toJsonMap(KeyDescriber.describe(Hex.decode(item, "key"))));
    }
  }

  @Command(
      name = "encode",
      mixinStandardHelpOptions = true,
      description = {
        "Prints the lowercase hex of the key a describe object names (the inverse of describe).",
        "%nWithout JSON, encodes one object per line of standard input and prints one line each;"
            + " a bad line prints {\"error\":\"<message>\"} and the run goes on, exiting 1 at the end."
      })
  static final class Encode extends LineCommand {
    @Parameters(
        arity = "0..1",
        paramLabel = "JSON",
        description = "A describe object, e.g. '{\"namespace\":\"queue\",\"version\":1,\"kind\":\"metadata\"}'.")
    String json;

    @Override
    String argument() {
      return json;
    }

    @Override
    String apply(String item) {
      JsonNode node = TupleJson.readTree(item, "key description");
      if (!node.isObject()) {
        throw new TupleNotationException("a key description must be a JSON object");
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> map = Json.MAPPER.convertValue(node, Map.class);
      return Hex.encode(KeyJson.fromJsonMap(map).encode());
    }
  }
}
