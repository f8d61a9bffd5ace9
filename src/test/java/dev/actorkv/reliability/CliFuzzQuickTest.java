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
  void randomCommandLinesKeepTheErrorContract() throws Exception {
    FuzzCampaign.Result r = CliFuzzCampaign.run("argv", dir, 11, 120, Duration.ofMinutes(3));
    assertEquals(List.of(), r.violations());
    assertEquals(120, r.inputs());
    assertTrue(r.accepted() > 0 && r.rejected() > 0, r.toString());
  }

  @Test
  void hostileImportFilesImportWhollyOrNotAtAll() throws Exception {
    FuzzCampaign.Result r = CliFuzzCampaign.run("import", dir, 12, 15, Duration.ofMinutes(3));
    assertEquals(List.of(), r.violations());
    assertEquals(15, r.inputs());
    assertTrue(r.rejected() > 0, r.toString());
  }
}
