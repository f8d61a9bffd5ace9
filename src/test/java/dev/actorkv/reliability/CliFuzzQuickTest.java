package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick variant of fuzzing the keyspace tool: random command lines and hostile import files. */
class CliFuzzQuickTest {
  @TempDir Path dir;

  /** The contract check itself: each kind of broken run is caught, a clean one passes. */
  @Test
  void contractCheckCatchesBrokenRuns() {
    assertEquals(null, CliFuzzWorkload.contractProblem(new dev.actorkv.tool.ToolRunner.Result(2, "", "keyspace: bad hex\n")));
    assertTrue(CliFuzzWorkload.contractProblem(new dev.actorkv.tool.ToolRunner.Result(3, "", "x")).startsWith("exit code"));
    assertTrue(CliFuzzWorkload.contractProblem(new dev.actorkv.tool.ToolRunner.Result(1, "",
        "java.lang.RuntimeException: x\n\tat a.b(C.java:1)\n")).startsWith("stack trace"));
    assertTrue(CliFuzzWorkload.contractProblem(new dev.actorkv.tool.ToolRunner.Result(1, "", "keyspace: NullPointerException\n"))
        .startsWith("untyped"));
    assertTrue(CliFuzzWorkload.contractProblem(new dev.actorkv.tool.ToolRunner.Result(2, "", "")).contains("no message"));
  }

  @Test
  void randomCommandLinesAndHostileImportFilesKeepTheContract() throws Exception {
    // One child JVM: 80 random command lines, then 10 hostile import files (wholly imported or not at all)
    // and the valid export imported as a control.
    FuzzCampaign.Result r = CliFuzzCampaign.run("both", dir, 11, 80, Duration.ofMinutes(3));
    assertEquals(List.of(), r.violations());
    assertEquals(91, r.inputs());
    assertTrue(r.accepted() > 0 && r.rejected() > 0, r.toString());
  }
}
