package dev.actorkv.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The reference vectors of ../shared/vectors, found through the surefire property actorkv.shared.dir. */
final class SharedVectors {
  private SharedVectors() {}

  static Path dir() {
    String shared = System.getProperty("actorkv.shared.dir", Path.of(System.getProperty("user.dir"), "..", "shared").toString());
    return Path.of(shared, "vectors");
  }

  /** Each non-blank line of {@code name} parsed as JSON (integers kept exact). */
  static List<JsonNode> lines(String name) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(dir().resolve(name))) {
        if (!line.isBlank()) {
          out.add(Json.MAPPER.readTree(line));
        }
      }
      if (out.isEmpty()) {
        throw new IllegalStateException("no vectors in " + dir().resolve(name));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
