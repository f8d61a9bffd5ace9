package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every failed write of output is an error (issue 16): with standard output on {@code /dev/full} each
 * command exits 1 and says why on stderr, instead of exiting 0 having written nothing.
 */
class FailedOutputTest {
  private static final File FULL = new File("/dev/full");
  @TempDir Path dir;
  private Path db;
  private File lines;

  @BeforeEach
  void store() throws Exception {
    db = dir.resolve("db");
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    lines = Files.writeString(dir.resolve("lines.txt"), "{\"namespace\":\"persisted_data\"}\n[1]\n").toFile();
  }

  private static void assertFailsNamingTheDevice(CliProcess.Result r, String what) {
    assertEquals(1, r.exitCode(), what + ": " + r.err());
    assertTrue(r.err().contains("keyspace: cannot write output: No space left on device"), what + ": " + r.err());
    assertFalse(r.err().contains("\tat "), what + ": " + r.err());
  }

  @Test
  void everyCommandWritingToAFullDeviceFails() throws Exception {
    String d = db.toString();
    File none = new File("/dev/null");
    for (List<String> args : List.of(
        List.of("export", d, "--actor", "demo-actor"),
        List.of("dump", d),
        List.of("dump", d, "--json"),
        List.of("check", d),
        List.of("sql", d, "--actor", "demo-actor", "select 1"),
        List.of("tuple", "pack", "[1]"),
        List.of("key", "encode", "{\"namespace\":\"persisted_data\"}"),
        List.of("migrate", d, "--dry-run"),
        List.of("demo", d),
        List.of("--help"))) {
      assertFailsNamingTheDevice(CliProcess.run(none, FULL, args.toArray(String[]::new)), String.join(" ", args));
    }
    assertFailsNamingTheDevice(CliProcess.run(lines, FULL, "key", "encode"), "batch key encode");
    assertFailsNamingTheDevice(CliProcess.run(lines, FULL, "tuple", "pack"), "batch tuple pack");
  }

  @Test
  void exportToAFullDeviceNamedWithOutFails() throws Exception {
    CliProcess.Result r = CliProcess.run(new File("/dev/null"), new File("/dev/null"),
        "export", db.toString(), "--actor", "demo-actor", "--out", "/dev/full");
    assertEquals(1, r.exitCode(), r.err());
    assertTrue(r.err().contains("keyspace: cannot write /dev/full: No space left on device"), r.err());
  }

  @Test
  void aClosedPipeIsAFailureToo() throws Exception {
    List<String> cmd = CliProcess.command(List.of());
    cmd.addAll(List.of("export", db.toString(), "--actor", "demo-actor"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(new File("/dev/null"));
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectError(err.toFile()).start();
    p.getInputStream().close(); // the reader went away before the first line
    assertEquals(1, p.waitFor());
    assertTrue(Files.readString(err).contains("keyspace: cannot write output: Broken pipe"), Files.readString(err));
  }

  @Test
  void aGoodRunStillExitsZero() throws Exception {
    Path out = dir.resolve("out.txt");
    File tuples = Files.writeString(dir.resolve("tuples.txt"), "[1]\n[\"a\"]\n").toFile();
    CliProcess.Result r = CliProcess.run(tuples, out.toFile(), "tuple", "pack");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals(2, Files.readAllLines(out).size());
  }
}
