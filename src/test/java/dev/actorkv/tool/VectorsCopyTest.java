package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The repository's copy of the reference vectors (src/test/resources/vectors) is the team's copy: when a
 * checkout of the team's shared folder lies beside the repository ({@code ../shared/vectors}), every file
 * there must be in the repository byte for byte, so that a corrected vector there is noticed here. The
 * only place in the repository that refers to that folder; without it (a fresh clone) the test passes and
 * says so.
 */
class VectorsCopyTest {
  private static final Path BASE = Path.of(System.getProperty("user.dir"));
  private static final Path SHARED = BASE.resolve("../shared/vectors").normalize();
  private static final Path COPY = BASE.resolve("src/test/resources/vectors");

  @Test
  void repositoryVectorsEqualTheSharedOnes() throws IOException {
    if (!Files.isDirectory(SHARED)) {
      // Printed, so that the build log says the comparison did not happen.
      System.out.println("VectorsCopyTest: no " + SHARED + " beside the repository, nothing to compare");
      return;
    }
    assertEquals(names(SHARED), names(COPY), "vector files in " + SHARED + " and " + COPY);
    for (String name : names(SHARED)) {
      assertEquals(Files.readString(SHARED.resolve(name), StandardCharsets.UTF_8),
          Files.readString(COPY.resolve(name), StandardCharsets.UTF_8),
          () -> name + " differs from " + SHARED.resolve(name) + ": copy it into " + COPY);
    }
    System.out.println("VectorsCopyTest: " + COPY + " equals " + SHARED);
  }

  @Test
  void theCopyIsWhatTheTestsRead() throws IOException {
    for (String name : names(COPY)) {
      assertEquals(Files.readString(COPY.resolve(name), StandardCharsets.UTF_8), ReferenceVectors.text(name), name);
    }
    assertEquals(List.of("keys.jsonl", "tuple.jsonl"), names(COPY));
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).sorted().toList();
    }
  }
}
