package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The oversized-input campaign ({@link OversizedInputCampaign}): real processes with a 64 MiB heap.
 * Quick variant: a 60 MB import, a 30 MB statement, 100 000 statements; long variant: a 200 MB import
 * (issue 16's 86 MB file took 483 MB), a 100 MB statement, 400 000 statements (issue 16: 32 s).
 */
class OversizedInputQuickTest {
  @TempDir Path dir;

  @Test
  void everyOversizedInputIsBoundedOrRefusedCleanly() throws Exception {
    OversizedInputCampaign.Result r = new OversizedInputCampaign(dir).addCases(60, 30, 100_000).run();
    System.out.println("oversized input (quick): " + r.cases() + " cases, " + r.refused() + " refused, " + r.accepted()
        + " accepted, " + r.violations().size() + " violations, " + r.took());
    assertEquals(List.of(), r.violations());
  }

  @Test
  @Tag("long")
  @Tag("reliability")
  void largerInputs() throws Exception {
    OversizedInputCampaign.Result r = new OversizedInputCampaign(dir).addCases(200, 100, 400_000).run();
    System.out.println("oversized input (long): " + r.cases() + " cases, " + r.refused() + " refused, " + r.accepted()
        + " accepted, " + r.violations().size() + " violations, " + r.took());
    assertEquals(List.of(), r.violations());
  }
}
