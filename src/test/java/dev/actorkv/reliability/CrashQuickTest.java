package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick variant of the crash harness: a few SIGKILL cycles of a child JVM writing to several actors. */
class CrashQuickTest {
  @TempDir Path dir;

  @Test
  void acknowledgedOperationsSurviveSigkillAndNothingIsHalfApplied() throws Exception {
    CrashCampaign.Result r = new CrashCampaign(dir, 7).run(3);
    assertEquals(List.of(), r.violations());
    assertEquals(3, r.cycles());
    assertTrue(r.operationsAcknowledged() > 0, "the child acknowledged nothing: " + r);
  }
}
