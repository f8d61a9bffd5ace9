package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code keyspace tuple pack|unpack} and {@code keyspace key describe|encode}, run in-process. */
class TupleAndKeyCommandsTest {
  private static void assertNoStackTrace(CliRun r) {
    assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), () -> "stack trace on stderr: " + r.err());
    assertFalse(r.out().contains("Exception") || r.out().contains("\tat "), () -> "stack trace on stdout: " + r.out());
  }

  @Test
  void tuplePackPrintsLowercaseHex() {
    CliRun r = CliRun.run("tuple", "pack", "[1, \"a\", null, {\"bytes\":\"FF00\"}]");
    assertEquals(0, r.exit(), r.err());
    assertEquals("15010261000001ff00ff00\n", r.out());
    assertEquals("", r.err());
  }

  @Test
  void tupleUnpackPrintsJsonNotation() {
    CliRun r = CliRun.run("tuple", "unpack", "0500FF0002C3A900");
    assertEquals(0, r.exit(), r.err());
    assertEquals("[[null],\"é\"]\n", r.out());
  }

  @Test
  void badArgumentsPrintTheMessageOnStderrAndExit2() {
    String[][] bad = {
      {"tuple", "pack", "[1.5]"},
      {"tuple", "pack", "not json"},
      {"tuple", "unpack", "1500"},
      {"tuple", "unpack", "abc"},
      {"key", "describe", "0501020000000000000001ff"},
      {"key", "describe", "zz"},
      {"key", "describe", ""},
      {"key", "encode", "{\"namespace\":\"queue\",\"version\":2,\"kind\":\"metadata\"}"},
      {"key", "encode", "[1]"},
      {"key", "encode", "{\"namespace\":\"nope\"}"},
    };
    for (String[] args : bad) {
      CliRun r = CliRun.run(args);
      assertEquals(2, r.exit(), () -> String.join(" ", args) + ": " + r.err());
      assertEquals("", r.out(), String.join(" ", args));
      assertTrue(r.err().startsWith("keyspace: "), r.err());
      assertEquals(1, r.err().lines().count(), r.err());
      assertNoStackTrace(r);
    }
  }

  @Test
  void keyDescribeAndEncodeAreInverse() {
    CliRun d = CliRun.run("key", "describe", "07011501186b01ea301569");
    assertEquals(0, d.exit(), d.err());
    assertEquals("{\"namespace\":\"traces\",\"version\":1,\"kind\":\"chunk\",\"bucket_start_sec\":1795287600,\"chunk_id\":105}\n", d.out());
    CliRun e = CliRun.run("key", "encode", d.out().strip());
    assertEquals(0, e.exit(), e.err());
    assertEquals("07011501186b01ea301569\n", e.out());
  }

  @Test
  void batchModeHandlesEveryLineAndReportsBadOnesInline() {
    String in = "[1]\n[1.5]\n\n[\"x\"]\r\n[[null]]";
    CliRun r = CliRun.withStdin(in, "tuple", "pack");
    assertEquals(1, r.exit(), "a batch run with a bad line goes on and exits 1: " + r.err());
    List<String> lines = r.lines();
    assertEquals(5, lines.size(), r.out());
    assertEquals("1501", lines.get(0));
    JsonNode error = readJson(lines.get(1));
    assertEquals(1, error.size());
    assertTrue(error.get("error").textValue().contains("not an integer"), lines.get(1));
    assertTrue(readJson(lines.get(2)).has("error"), lines.get(2));
    assertEquals("027800", lines.get(3));
    assertEquals("0500ff00", lines.get(4));
    assertEquals("", r.err());
  }

  @Test
  void batchModeOfEveryCommand() {
    CliRun unpack = CliRun.withStdin("1501\n13\n0200\n", "tuple", "unpack");
    assertEquals(List.of("[1]", "{\"error\":\"invalid tuple at offset 0: truncated integer: needs 1 more bytes, 0 left\"}", "[\"\"]"),
        unpack.lines());
    CliRun describe = CliRun.withStdin("0501020000000000000001\nff\n0501020000000000000002\n", "key", "describe");
    assertEquals(3, describe.lines().size());
    assertEquals(1, readJson(describe.lines().get(0)).get("id").asInt());
    assertTrue(readJson(describe.lines().get(1)).has("error"));
    assertEquals(2, readJson(describe.lines().get(2)).get("id").asInt());
    CliRun encode = CliRun.withStdin("{\"namespace\":\"persisted_data\"}\n{\"namespace\":\"sqlite\",\"version\":1,\"kind\":\"chunk\",\"file\":\"wal\",\"chunk_index\":36}\n{}\n",
        "key", "encode");
    assertEquals("01", encode.lines().get(0));
    assertEquals("0801010200000024", encode.lines().get(1));
    assertTrue(readJson(encode.lines().get(2)).has("error"));
    for (CliRun r : List.of(unpack, describe, encode)) {
      assertEquals(1, r.exit(), "each run had a bad line");
      assertNoStackTrace(r);
    }
  }

  @Test
  void everyTupleVectorThroughBatchPackAndUnpack() {
    List<JsonNode> vectors = ReferenceVectors.lines("tuple.jsonl");
    StringBuilder tuples = new StringBuilder();
    StringBuilder hexes = new StringBuilder();
    List<String> expectedHex = new ArrayList<>();
    for (JsonNode v : vectors) {
      tuples.append(v.get("tuple")).append('\n');
      hexes.append(v.get("hex").textValue()).append('\n');
      expectedHex.add(v.get("hex").textValue());
    }
    CliRun pack = CliRun.withStdin(tuples.toString(), "tuple", "pack");
    assertEquals(expectedHex, pack.lines());
    assertEquals(0, pack.exit(), "every line good: exit 0");
    CliRun unpack = CliRun.withStdin(hexes.toString(), "tuple", "unpack");
    assertEquals(vectors.size(), unpack.lines().size());
    for (int i = 0; i < vectors.size(); i++) {
      JsonNode expected = vectors.get(i).get("tuple");
      JsonNode actual = readJson(unpack.lines().get(i));
      assertTrue(expected.equals(VectorsTest.NUMERIC, actual), "expected " + expected + ", got " + actual);
    }
  }

  @Test
  void everyKeyVectorThroughBatchDescribe() {
    List<JsonNode> vectors = ReferenceVectors.lines("keys.jsonl");
    StringBuilder in = new StringBuilder();
    vectors.forEach(v -> in.append(v.get("hex").textValue()).append('\n'));
    CliRun r = CliRun.withStdin(in.toString(), "key", "describe");
    assertEquals(vectors.size(), r.lines().size());
    for (int i = 0; i < vectors.size(); i++) {
      JsonNode expect = vectors.get(i).get("expect");
      JsonNode actual = readJson(r.lines().get(i));
      if (expect.has("error")) {
        assertTrue(actual.has("error") && actual.size() == 1, actual.toString());
      } else {
        assertEquals(expect, actual);
      }
    }
  }

  @Test
  void helpOnEveryCommand() {
    for (String[] args : List.of(new String[] {"tuple", "--help"}, new String[] {"tuple", "pack", "--help"},
        new String[] {"tuple", "unpack", "--help"}, new String[] {"key", "--help"},
        new String[] {"key", "describe", "--help"}, new String[] {"key", "encode", "--help"})) {
      CliRun r = CliRun.run(args);
      assertEquals(0, r.exit(), String.join(" ", args));
      assertTrue(r.out().startsWith("Usage: keyspace " + args[0]), r.out());
    }
    CliRun top = CliRun.run("--help");
    assertTrue(top.out().contains("tuple") && top.out().contains("key"), top.out());
  }

  @Test
  void missingSubcommandIsAUsageError() {
    for (List<String> group : List.of(List.of("tuple", "pack or unpack"), List.of("key", "describe or encode"))) {
      CliRun r = CliRun.run(group.get(0));
      assertEquals(2, r.exit());
      assertTrue(r.err().contains("missing subcommand"), r.err());
      assertTrue(r.err().contains("missing subcommand: " + group.get(1) + "\n"), r.err());
    }
  }

  private static JsonNode readJson(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }
}
