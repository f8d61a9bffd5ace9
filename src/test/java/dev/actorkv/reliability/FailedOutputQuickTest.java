package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failed-output campaign ({@link FailedOutputCampaign}), each case a real process. Quick variant: the
 * commands that stream large outputs with their output on a pipe whose reader is gone, and {@code export
 * --out} onto every kind of path ({@code FailedOutputTest} runs every command on {@code /dev/full}). Long
 * variant: every command on every sink (a full device, a closed pipe, a pipe closed after 64 KiB and 1 MiB).
 */
class FailedOutputQuickTest {
  @TempDir Path dir;

  @Test
  void streamingCommandsOnAClosedPipeAndExportOntoEveryKindOfPathFailOrWriteAsRequired() throws Exception {
    long started = System.nanoTime();
    FailedOutputCampaign c = new FailedOutputCampaign(dir).runCommands(List.of(FailedOutputCampaign.Sink.CLOSED_PIPE), true)
        .runExportTargets(true);
    FailedOutputCampaign.Result r = c.result(Duration.ofNanos(System.nanoTime() - started));
    System.out.println("failed output (quick): " + r);
    assertEquals(List.of(), r.violations());
    assertTrue(r.cases() >= c.commands().stream().filter(FailedOutputCampaign.Command::large).count() + 8, r.toString());
  }

  @Test
  @Tag("long")
  @Tag("reliability")
  void everyCommandOnEverySink() throws Exception {
    long started = System.nanoTime();
    FailedOutputCampaign c = new FailedOutputCampaign(dir).runCommands(List.of(FailedOutputCampaign.Sink.values()))
        .runExportTargets(true);
    FailedOutputCampaign.Result r = c.result(Duration.ofNanos(System.nanoTime() - started));
    System.out.println("failed output (long): " + r);
    assertEquals(List.of(), r.violations());
  }
}
