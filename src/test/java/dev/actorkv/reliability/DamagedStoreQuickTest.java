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

  @Test
  void aFlippedBitInATableFileIsReadRightOrReported() throws Exception {
    DamageCampaign.TableResult r = new DamageCampaign(dir).runTableFlips(16, 30);
    System.out.println("damaged table files (quick): " + r);
    assertEquals(List.of(), r.violations());
    assertTrue(r.readsFailed() > 0, "some flips hit data blocks and were reported: " + r);
  }

  @Test
  @Tag("long")
  @Tag("reliability")
  void manyTableFlips() throws Exception {
    DamageCampaign.TableResult r = new DamageCampaign(dir).runTableFlips(20261205, 1000);
    System.out.println("damaged table files (long): " + r);
    assertEquals(List.of(), r.violations());
  }

  /**
   * 500 random bit flips and 100 cuts: each damage costs a copy, an open and usually a repair (0.25 s on
   * a quiet 2-core machine, over 1 s under load; 2200 of them did not finish in 40 minutes at load 12).
   */
  @Test
  @Tag("long")
  @Tag("reliability")
  void manyDamages() throws Exception {
    DamageCampaign.Result r = new DamageCampaign(dir).run(20261204, 500, 100);
    System.out.println("damaged files (long): " + r);
    assertEquals(List.of(), r.violations());
  }
}
