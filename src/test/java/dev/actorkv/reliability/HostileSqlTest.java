package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every named hostile-SQL vector ({@link HostileSql#VECTORS}) on an actor's database, in a child JVM:
 * each is refused with a typed error or harmless as its expectation says, and none crashes the JVM,
 * damages a database, changes a process-wide setting or leaves a file outside the store.
 */
class HostileSqlTest {
  @TempDir Path dir;

  @Test
  void everyVectorIsRefusedOrHarmless() throws Exception {
    List<HostileSqlCampaign.Outcome> outcomes = HostileSqlCampaign.runVectors(dir);
    for (HostileSqlCampaign.Outcome o : outcomes) {
      String name = o.index() < 0 ? "(campaign)" : HostileSql.VECTORS.get((int) o.index()).name();
      System.out.println("hostile SQL vector: " + name + " -> " + o.outcome() + ": " + o.detail());
    }
    assertEquals(List.of(), HostileSqlCampaign.judgeVectors(outcomes));
    assertEquals(HostileSql.VECTORS.size(), outcomes.stream().filter(o -> o.index() >= 0).count());
  }
}
