package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The damaged-files campaign ({@link DamageCampaign}): a quick variant here, a long one in the profile. */
class DamagedStoreQuickTest {
  @TempDir Path dir;

  @Test
  void everyDamageIsRefusedAndRepairedOrLosesNothingSilently() throws Exception {
    DamageCampaign.Result r = new DamageCampaign(dir).run(16, 20, 5);
    System.out.println("damaged files (quick): " + r);
    assertEquals(List.of(), r.violations());
    assertTrue(r.refusedAndRepaired() >= 20, "every flip was refused: " + r);
  }

  /** 2000 random bit flips and 200 cuts (about a quarter of a second each, with the repair). */
  @Test
  @Tag("long")
  @Tag("reliability")
  void manyDamages() throws Exception {
    DamageCampaign.Result r = new DamageCampaign(dir).run(20261204, 2000, 200);
    System.out.println("damaged files (long): " + r);
    assertEquals(List.of(), r.violations());
  }
}
