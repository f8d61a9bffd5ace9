package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input the tool refuses instead of guessing (issue 16): invalid UTF-8 wherever it enters (arguments,
 * standard input lines, files, SQL scripts), lines longer than any valid item, and an import line that
 * names a field twice. Nothing is written by a refused import.
 */
class InvalidInputTest {
  @TempDir Path dir;

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      if (p instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else {
        out.write((Integer) p);
      }
    }
    return out.toByteArray();
  }

  // ------------------------------------------------------------------ arguments

  @Test
  void anArgumentWithInvalidUtf8IsRefusedNamingIt() {
    List<byte[]> cmdline = List.of(bytes("java"), bytes("-cp"), bytes("x"), bytes("Main"), bytes("dump"), bytes("db"),
        bytes("--actor"), bytes(0xff));
    String[] jvm = {"dump", "db", "--actor", "\ufffd"};
    Errors.UserError e = assertThrows(Errors.UserError.class, () -> Arguments.check(jvm, cmdline, StandardCharsets.UTF_8));
    assertEquals(2, e.exitCode);
    assertEquals("argument 4 (\"\ufffd\"): byte 0xff at offset 0 is not valid UTF-8", e.getMessage());
    // 0xfe names no other actor: it is refused the same way, not turned into the same U+FFFD.
    List<byte[]> fe = new ArrayList<>(cmdline);
    fe.set(7, bytes(0xfe));
    assertThrows(Errors.UserError.class, () -> Arguments.check(jvm, fe, StandardCharsets.UTF_8));
  }

  @Test
  void validUtf8DecodesRightEvenUnderAnAsciiLocale() {
    List<byte[]> cmdline = List.of(bytes("java"), bytes("Main"), bytes("tuple"), bytes("pack"), bytes("[\"", 0xc3, 0xa9, "\"]"));
    String[] jvm = {"tuple", "pack", "[\"??\"]"}; // how a US-ASCII platform charset decodes it
    assertArrayEquals(new String[] {"tuple", "pack", "[\"é\"]"}, Arguments.check(jvm, cmdline, StandardCharsets.US_ASCII));
  }

  @Test
  void argumentsThatDoNotLineUpWithTheRawCommandLineAreKept() {
    String[] jvm = {"tuple", "pack", "[1]"};
    assertArrayEquals(jvm, Arguments.check(jvm, List.of(bytes("java"), bytes("@argfile")), StandardCharsets.UTF_8));
    assertArrayEquals(jvm, Arguments.check(jvm, List.of(bytes("java"), bytes("Main"), bytes("a"), bytes("b"), bytes("c")),
        StandardCharsets.UTF_8));
  }

  @Test
  void aRealProcessRefusesAnActorIdThatIsNotUtf8() throws Exception {
    Path db = dir.resolve("db");
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    for (String octal : List.of("\\377", "\\376")) {
      List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec \"$@\" \"$(printf '" + octal + "')\"", "keyspace"));
      cmd.addAll(CliProcess.command(List.of()));
      cmd.addAll(List.of("dump", db.toString(), "--actor"));
      CliProcess.Result r = CliProcess.run(new ProcessBuilder(cmd).redirectOutput(new File("/dev/null")), 120);
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().startsWith("keyspace: argument 4 ("), r.err());
      assertTrue(r.err().contains("is not valid UTF-8"), r.err());
    }
  }

  // ------------------------------------------------------------------ standard input

  @Test
  void aBatchLineWithInvalidUtf8IsAnErrorOnItsLine() {
    CliRun r = CliRun.withRawStdin(bytes("[\"a\"]\n[\"", 0xff, "\"]\n[\"", 0xed, 0xa0, 0x80, "\"]\n[1]\n"), "tuple", "pack");
    // The second is an encoded surrogate (U+D800), which UTF-8 does not allow.
    assertEquals(List.of("026100", "{\"error\":\"line 2: byte 0xff at offset 2 is not valid UTF-8\"}",
        "{\"error\":\"line 3: bytes 0xed 0xa0 0x80 at offset 2 are not valid UTF-8\"}", "1501"), r.lines());
  }

  @Test
  void aBatchLineLongerThanTheBoundIsAnErrorAndTheRunGoesOn() {
    String huge = "[\"" + "a".repeat(LineCommand.MAX_LINE_BYTES) + "\"]";
    CliRun r = CliRun.withStdin(huge + "\n[1]\n", "tuple", "pack");
    assertEquals(2, r.lines().size(), r.err());
    assertEquals("{\"error\":\"line 1: line is longer than 1048576 bytes (" + huge.length() + ")\"}", r.lines().get(0));
    assertEquals("1501", r.lines().get(1));
  }

  @Test
  void aSqlStatementThatIsNotUtf8IsRefused() {
    Path db = dir.resolve("db");
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    CliRun r = CliRun.withRawStdin(bytes("select '", 0xff, "';"), "sql", db.toString(), "--actor", "a");
    // The statement fails as a statement does in the sqlite3 shell: the session goes on, exit 1 at the end.
    assertEquals(1, r.exit());
    assertEquals("Parse error near line 1: byte 0xff at offset 8 is not valid UTF-8\n", r.err());
  }

  // ------------------------------------------------------------------ import

  private Path exported(Path db) throws Exception {
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    Path file = dir.resolve("export.jsonl");
    assertEquals(0, CliRun.run("export", db.toString(), "--actor", "demo-actor", "--out", file.toString()).exit());
    return file;
  }

  private void assertImportRefused(Path db, byte[] content, String message) throws Exception {
    Path in = Files.write(dir.resolve("in.jsonl"), content);
    CliRun r = CliRun.run("import", db.toString(), "--actor", "target", "--in", in.toString());
    assertEquals(2, r.exit(), r.err());
    assertEquals("keyspace: " + message + "; nothing was imported\n", r.err());
    CliRun left = CliRun.run("export", db.toString(), "--actor", "target");
    assertEquals("", left.out());
  }

  @Test
  void importRefusesInvalidUtf8DuplicateFieldsAndOverlongLines() throws Exception {
    Path db = dir.resolve("db");
    List<String> good = Files.readAllLines(exported(db));
    String first = good.get(0);
    assertImportRefused(db, bytes(first, "\n{\"key\":\"01\",\"value\":\"", 0xff, "\"}\n"),
        "line 2: byte 0xff at offset 21 is not valid UTF-8");
    String key = first.substring(first.indexOf("\"key\":\"") + 7, first.indexOf("\",\"value\""));
    assertImportRefused(db, bytes(first.replace("}", ",\"key\":\"" + key + "\"}"), "\n"),
        "line 1: not JSON: Duplicate field 'key'");
    long longest = 2L * (2048 + 128 * 1024) + 4096;
    String tooLong = "{\"key\":\"" + key + "\",\"value\":\"" + "00".repeat((int) longest / 2) + "\"}";
    assertImportRefused(db, bytes(first, "\n", tooLong, "\n"),
        "line 2: line is longer than " + longest + " bytes");
    assertFalse(CliRun.run("import", db.toString(), "--actor", "target", "--in", dir.resolve("export.jsonl").toString())
        .err().contains("nothing"));
  }

  /** The first over-long line ends an import at the bound: a line without an end is not waited for. */
  @Test
  @Timeout(120)
  void importRefusesAnEndlessLineWithoutReadingToItsEnd() {
    Path db = dir.resolve("db");
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    CliRun r = CliRun.run("import", db.toString(), "--actor", "target", "--in", "/dev/zero");
    assertEquals(2, r.exit(), r.err());
    assertEquals("keyspace: line 1: line is longer than 270336 bytes; nothing was imported\n", r.err());
  }

  @Test
  void importNamesThePathAndTheReasonWhenItCannotRead() {
    Path db = dir.resolve("db");
    assertEquals(0, CliRun.run("demo", db.toString()).exit());
    Path missing = dir.resolve("missing.jsonl");
    CliRun r = CliRun.run("import", db.toString(), "--actor", "t", "--in", missing.toString());
    assertEquals(2, r.exit());
    assertEquals("keyspace: cannot read " + missing + ": no such file or directory\n", r.err());
    r = CliRun.run("import", db.toString(), "--actor", "t", "--in", dir.toString());
    assertEquals(2, r.exit());
    assertEquals("keyspace: cannot read " + dir + ": it is a directory\n", r.err());
  }
}
