package dev.actorkv.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference vectors of tuples and keys, the repository's copy in {@code src/test/resources/vectors}
 * (read from the test classpath). {@code VectorsCopyTest} notices when the team's copy has changed.
 */
final class ReferenceVectors {
  private ReferenceVectors() {}

  /** The text of vector file {@code name}; fails the test when the file is not on the classpath. */
  static String text(String name) {
    String resource = "/vectors/" + name;
    try (InputStream in = ReferenceVectors.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("no test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Each non-blank line of {@code name} parsed as JSON (integers kept exact). */
  static List<JsonNode> lines(String name) {
    try {
      List<JsonNode> out = new ArrayList<>();
      for (String line : text(name).lines().toList()) {
        if (!line.isBlank()) {
          out.add(Json.MAPPER.readTree(line));
        }
      }
      if (out.isEmpty()) {
        throw new IllegalStateException("no vectors in " + name);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
