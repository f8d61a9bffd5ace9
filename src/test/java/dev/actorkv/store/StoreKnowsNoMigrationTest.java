package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The store (engines included) knows nothing of the legacy layout or the migration: it keeps an opaque
 * metadata record per actor and runs an open hook it is given. Checked on the sources, like
 * BuildConventionsTest: no source under dev/actorkv/store names the legacy keys, layout versions,
 * migration markers or the migration package. The one exception is the PostgreSQL schema's history:
 * version 1 created the two columns by name and version 2 moves them into the metadata, so their SQL
 * names may appear in Schema.java, and nowhere else.
 */
class StoreKnowsNoMigrationTest {
  private static final Path STORE = Path.of("src/main/java/dev/actorkv/store");
  private static final List<String> FORBIDDEN = List.of(
      "LegacyKeys", "LegacyHandler", "LegacyLayoutException", "isLegacy", "layoutVersion", "LayoutVersion",
      "migrationMarker", "MigrationMarker", "dev.actorkv.migrate", "Namespace.CURRENT_VERSION", "candidateRanges");
  private static final List<String> OLD_COLUMNS = List.of("layout_version", "migration_marker");

  @Test
  void noStoreSourceNamesTheLegacyLayoutOrTheMigration() throws IOException {
    List<String> found = new ArrayList<>();
    List<Path> sources;
    try (Stream<Path> files = Files.walk(STORE)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertTrue(sources.size() > 20, "the store's sources were found: " + sources.size());
    for (Path p : sources) {
      String text = Files.readString(p);
      for (String word : FORBIDDEN) {
        if (text.contains(word)) {
          found.add(STORE.relativize(p) + ": " + word);
        }
      }
      if (!p.endsWith(Path.of("postgres", "Schema.java"))) {
        for (String column : OLD_COLUMNS) {
          if (text.contains(column)) {
            found.add(STORE.relativize(p) + ": " + column);
          }
        }
      }
    }
    assertEquals(List.of(), found);
  }
}
