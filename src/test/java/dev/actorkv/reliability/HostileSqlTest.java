package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every named hostile-SQL vector ({@link HostileSql#VECTORS}) on an actor's database, in a child JVM,
 * on both engines: each is refused with a typed error or harmless as its expectation says, and none
 * crashes the JVM, damages a database, changes a process-wide setting or leaves a file outside the store.
 */
class HostileSqlTest {
  @TempDir Path dir;

  private static void assertEveryVectorRefusedOrHarmless(String engine, List<HostileSqlCampaign.Outcome> outcomes) {
    for (HostileSqlCampaign.Outcome o : outcomes) {
      String name = o.index() < 0 ? "(campaign)" : HostileSql.VECTORS.get((int) o.index()).name();
      System.out.println("hostile SQL vector (" + engine + "): " + name + " -> " + o.outcome() + ": " + o.detail());
    }
    assertEquals(List.of(), HostileSqlCampaign.judgeVectors(outcomes), engine);
    assertEquals(HostileSql.VECTORS.size(), outcomes.stream().filter(o -> o.index() >= 0).count(), engine);
  }

  @Test
  void everyVectorIsRefusedOrHarmless() throws Exception {
    assertEveryVectorRefusedOrHarmless("rocksdb", HostileSqlCampaign.runVectors(dir));
  }

  /** The same vectors on a PostgreSQL store (a throwaway server; in CI it must run). */
  @Test
  void everyVectorIsRefusedOrHarmlessOnPostgres() throws Exception {
    try (StoreFixture.Postgres pg = (StoreFixture.Postgres) StoreFixture.postgres("hostile_sql")) {
      assertEveryVectorRefusedOrHarmless("postgresql", HostileSqlCampaign.runVectors(Files.createDirectories(dir.resolve("pg")),
          pg.location()));
    }
  }
}
