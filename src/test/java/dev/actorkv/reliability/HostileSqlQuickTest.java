package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.testing.StoreFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick variant of the hostile-SQL campaign: random scripts from the grammar of hostile fragments, on both engines. */
class HostileSqlQuickTest {
  @TempDir Path dir;

  @Test
  void randomHostileScriptsStayInsideTheActorsDatabase() throws Exception {
    FuzzCampaign.Result r = HostileSqlCampaign.runRandom(dir, 20261204L, 300, 300);
    assertEquals(List.of(), r.violations());
    assertEquals(300, r.inputs());
    assertTrue(r.accepted() > 0 && r.rejected() > 0, "both refused and harmless scripts: " + r);
  }

  @Test
  void randomHostileScriptsStayInsideTheActorsDatabaseOnPostgres() throws Exception {
    try (StoreFixture pg = StoreFixture.postgres("hostile_sql_random")) {
      FuzzCampaign.Result r = HostileSqlCampaign.runRandom(Files.createDirectories(dir.resolve("pg")), pg.location(),
          20261205L, 100, 100);
      assertEquals(List.of(), r.violations());
      assertEquals(100, r.inputs());
      assertTrue(r.accepted() > 0 && r.rejected() > 0, "both refused and harmless scripts: " + r);
    }
  }
}
