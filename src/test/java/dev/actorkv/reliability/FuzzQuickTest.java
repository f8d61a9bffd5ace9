package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Quick variant of the fuzz campaigns: 3000 hostile inputs per decoder, fixed seeds. */
class FuzzQuickTest {
  private static final int INPUTS = 3_000;

  private static void fuzz(FuzzTarget target, long seed) throws InterruptedException {
    FuzzCampaign.Result r = new FuzzCampaign(target, seed, INPUTS, Duration.ofSeconds(2)).run();
    assertEquals(List.of(), r.violations(), target.name());
    assertEquals(INPUTS, r.inputs());
    // The generator must reach both sides of the decoder, or the campaign proves little.
    assertTrue(r.accepted() > 0, target.name() + ": no input was accepted");
    assertTrue(r.rejected() > 0, target.name() + ": no input was rejected");
  }

  @Test
  void tupleDecode() throws InterruptedException {
    fuzz(FuzzTargets.tupleDecode(), 1);
  }

  @Test
  void keyDescribe() throws InterruptedException {
    fuzz(FuzzTargets.keyDescribe(), 2);
  }

  @Test
  void keyEncodeFromJson() throws InterruptedException {
    fuzz(FuzzTargets.keyJson(), 3);
  }

  @Test
  void storeRecords() throws InterruptedException {
    fuzz(FuzzTargets.actorRecord(), 4);
    fuzz(FuzzTargets.storeFormat(), 5);
  }

  /** The harness itself: an untyped exception, a wrong acceptance and a hang are all reported. */
  @Test
  void harnessReportsUntypedErrorsBadAcceptanceAndHangs() throws InterruptedException {
    FuzzTarget npe = new FuzzTarget("npe", List.of(new byte[] {1}), java.util.Set.of(IllegalArgumentException.class), in -> {
      if (in.length > 3) {
        throw new NullPointerException();
      }
    });
    FuzzCampaign.Result r = new FuzzCampaign(npe, 9, 200, Duration.ofSeconds(2)).run();
    assertTrue(r.violations().stream().anyMatch(v -> v.problem().contains("NullPointerException")), r.toString());

    FuzzTarget hang = new FuzzTarget("hang", List.of(new byte[] {1}), java.util.Set.of(), in -> {
      if (in.length > 3) {
        Thread.sleep(60_000);
      }
    });
    FuzzCampaign.Result h = new FuzzCampaign(hang, 9, 200, Duration.ofMillis(50)).run();
    assertTrue(h.violations().stream().anyMatch(v -> v.problem().startsWith("hang")), h.toString());
    assertTrue(h.inputs() < 200);
  }
}
