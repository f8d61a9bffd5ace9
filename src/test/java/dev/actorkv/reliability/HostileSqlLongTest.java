package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Long variant of the hostile-SQL campaign (Maven profile {@code reliability}): the named vectors, then
 * {@code reliability.sql.inputs} random scripts (default 20000) from the grammar of hostile fragments
 * with seed {@code reliability.seed}, on RocksDB; then the vectors and {@code reliability.sql.pg.inputs}
 * random scripts (default a tenth as many: each costs PostgreSQL commits) on a PostgreSQL store.
 */
@Tag("long")
@Tag("reliability")
class HostileSqlLongTest {
  @TempDir Path dir;

  @Test
  void longRun() throws Exception {
    long seed = Long.getLong("reliability.seed", 20261121L);
    long inputs = Long.getLong("reliability.sql.inputs", 20_000);
    List<String> vectorProblems = HostileSqlCampaign.judgeVectors(HostileSqlCampaign.runVectors(dir.resolve("vectors")));
    System.out.printf("hostile SQL (rocksdb): %d named vectors, %d violations%n", HostileSql.VECTORS.size(), vectorProblems.size());
    FuzzCampaign.Result r = HostileSqlCampaign.runRandom(dir.resolve("random"), seed, inputs, 2000);
    print("rocksdb", r);
    assertEquals(List.of(), vectorProblems);
    assertEquals(List.of(), r.violations());
  }

  @Test
  void longRunOnPostgres() throws Exception {
    long seed = Long.getLong("reliability.seed", 20261121L);
    long inputs = Long.getLong("reliability.sql.pg.inputs", Long.getLong("reliability.sql.inputs", 20_000) / 10);
    try (StoreFixture pg = StoreFixture.postgres("hostile_sql_long")) {
      List<String> vectorProblems = HostileSqlCampaign.judgeVectors(
          HostileSqlCampaign.runVectors(Files.createDirectories(dir.resolve("pg-vectors")), pg.location()));
      System.out.printf("hostile SQL (postgresql): %d named vectors, %d violations%n", HostileSql.VECTORS.size(), vectorProblems.size());
      FuzzCampaign.Result r = HostileSqlCampaign.runRandom(Files.createDirectories(dir.resolve("pg-random")), pg.location(),
          seed, inputs, 1000);
      print("postgresql", r);
      assertEquals(List.of(), vectorProblems);
      assertEquals(List.of(), r.violations());
    }
  }

  private static void print(String engine, FuzzCampaign.Result r) {
    System.out.printf("hostile SQL (fragment grammar, %s): seed %d, %d inputs, %d ran, %d refused (typed), %d violations%n",
        engine, r.seed(), r.inputs(), r.accepted(), r.rejected(), r.violations().size());
    r.violations().stream().limit(20).forEach(v -> System.out.println("  " + v));
  }
}
