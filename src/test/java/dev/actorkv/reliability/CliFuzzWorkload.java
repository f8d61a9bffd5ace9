package dev.actorkv.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.io.BaseEncoding;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.tool.ToolRunner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Child-JVM main fuzzing the {@code keyspace} tool in-process: {@code MODE SEED COUNT}, run in a scratch
 * working directory (random arguments may name relative paths, which must land there). MODE {@code argv}
 * runs random command lines; MODE {@code import} runs {@code import --in FILE} on hostile files; MODE
 * {@code both} runs COUNT command lines then COUNT/8 import files. Import runs end with one control: the
 * valid export must import exactly. Prints
 * one {@code V<TAB>index<TAB>input<TAB>problem} line per violation and a final
 * {@code DONE<TAB>runs<TAB>exit0<TAB>exitNonZero}.
 */
public final class CliFuzzWorkload {
  /** Exception names that mean a bug escaped as an untyped error, even when printed as a message. */
  private static final List<String> UNTYPED = List.of("NullPointerException", "IndexOutOfBoundsException",
      "ClassCastException", "ArithmeticException", "NegativeArraySizeException", "StackOverflowError",
      "OutOfMemoryError", "ConcurrentModificationException", "NoSuchElementException", "UnsupportedOperationException",
      "IllegalStateException", "Exception in thread");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  private CliFuzzWorkload() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    long seed = Long.parseLong(args[1]);
    long count = Long.parseLong(args[2]);
    Path work = Path.of("").toAbsolutePath();
    Path demo = work.resolve("demo-store");
    expectZero(ToolRunner.run("", "demo", demo.toString()), "demo");
    Path base = work.resolve("base.jsonl");
    expectZero(ToolRunner.run("", "export", demo.toString(), "--actor", "demo-actor", "--out", base.toString()), "export");
    long[] exits = new long[2];
    long runs = count;
    switch (mode) {
      case "argv" -> fuzzArgv(work, demo, base, seed, count, exits);
      case "import" -> fuzzImport(work, base, seed, count, exits);
      default -> { // both, sharing one JVM start and one demo store (the quick variant)
        fuzzArgv(work, demo, base, seed, count, exits);
        fuzzImport(work, base, seed, count / 8, exits);
        runs = count + count / 8;
      }
    }
    if (!mode.equals("argv")) {
      runs++; // the valid control import
    }
    System.out.println("DONE\t" + runs + "\t" + exits[0] + "\t" + exits[1]);
    System.out.flush();
  }

  private static void expectZero(ToolRunner.Result r, String what) {
    if (r.exitCode() != 0) {
      throw new IllegalStateException(what + " failed: " + r.err());
    }
  }

  /** Null when the run kept the tool's error contract, else what broke it. */
  static String contractProblem(ToolRunner.Result r) {
    if (r.exitCode() < 0 || r.exitCode() > 2) {
      return "exit code " + r.exitCode();
    }
    if (r.err().contains("\tat ") || r.err().contains("\n\tat")) {
      return "stack trace on stderr: " + firstLine(r.err());
    }
    for (String u : UNTYPED) {
      if (r.err().contains(u)) {
        return "untyped error on stderr: " + firstLine(r.err());
      }
    }
    if (r.exitCode() != 0 && r.err().isBlank()) {
      return "failed with exit " + r.exitCode() + " but printed no message";
    }
    return null;
  }

  private static ToolRunner.Result guarded(String stdin, String[] argv) {
    try {
      return ToolRunner.run(stdin, argv);
    } catch (Throwable t) {
      return new ToolRunner.Result(-1, "", "Exception in thread main: escaped " + t);
    }
  }

  private static void fuzzArgv(Path work, Path demo, Path base, long seed, long count, long[] exits) throws IOException {
    Path garbage = work.resolve("garbage.bin");
    Files.write(garbage, new byte[] {0, (byte) 0xff, '{', '\n', 'x'});
    Files.createDirectories(work.resolve("empty-dir"));
    String[] commands = {"tuple", "key", "demo", "dump", "export", "import", "check", "migrate", "help", "sql", "pack",
        "unpack", "describe", "encode", "-h", "--help", "-V", "--version", "", "bogus"};
    String[] subcommands = {"pack", "unpack", "describe", "encode", "help", "-h", "x"};
    String[] options = {"--actor", "--in", "--out", "--json", "--values", "--replace", "--dry-run", "--batch-size",
        "--prefer", "--", "-", "--actor=", "--batch-size=-1", "--batch-size=0", "--prefer=v1", "--prefer=legacy",
        "--prefer=x", "--unknown", "-x"};
    String[] values = {demo.toString(), work.resolve("new-store-" + seed).toString(), work.resolve("empty-dir").toString(),
        base.toString(), garbage.toString(), work.resolve("missing").toString(), work.resolve("out.jsonl").toString(),
        "demo-actor", "a", "", "\u0000", "é", "x".repeat(5000), "05010200000000000000ff", "0501", "ff", "zz", "0",
        "-1", "99999999999999999999999", "NaN", "[]", "[1,\"a\",null]", "[{\"bytes\":\"zz\"}]", "{", "[", "]",
        "{\"namespace\":\"queue\",\"version\":1,\"kind\":\"message\",\"id\":18446744073709551616}",
        "{\"namespace\":\"user_kv\",\"key\":\"\"}", "[".repeat(5000), "[".repeat(3000) + "]".repeat(3000),
        "1e999999", "\"\\ud800\"", "@" + garbage, "@missing-file", "v1", "legacy", "SELECT 1"};
    SplittableRandom r = new SplittableRandom(seed);
    for (long i = 0; i < count; i++) {
      List<String> argv = new ArrayList<>();
      if (r.nextInt(10) < 8) {
        argv.add(commands[r.nextInt(commands.length)]);
        if (r.nextInt(3) == 0) {
          argv.add(subcommands[r.nextInt(subcommands.length)]);
        }
      }
      int extra = r.nextInt(6);
      for (int k = 0; k < extra; k++) {
        int kind = r.nextInt(10);
        argv.add(kind < 3 ? options[r.nextInt(options.length)] : kind < 9 ? values[r.nextInt(values.length)] : randomToken(r));
      }
      String stdin = r.nextInt(4) == 0 ? values[r.nextInt(values.length)] + "\n" + values[r.nextInt(values.length)] + "\n" : "";
      String[] a = argv.toArray(String[]::new);
      ToolRunner.Result res = guarded(stdin, a);
      exits[res.exitCode() == 0 ? 0 : 1]++;
      String problem = contractProblem(res);
      if (problem != null) {
        System.out.println("V\t" + i + "\t" + JSON.writeValueAsString(argv) + "\t" + problem.replace('\n', ' '));
      }
    }
  }

  /** A random token that cannot leave the working directory: no '/', never "..". */
  private static String randomToken(SplittableRandom r) {
    String alphabet = "abcXYZ019-_.=@:é中\u0000 {}[]\"\\";
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    String s = sb.toString();
    return s.contains("..") ? s.replace("..", "._") : s;
  }

  private static void fuzzImport(Path work, Path base, long seed, long count, long[] exits) throws IOException {
    Path db = work.resolve("import-store");
    String actor = "imp";
    byte[] baseBytes = Files.readAllBytes(base);
    List<byte[]> samples = new ArrayList<>();
    samples.add(baseBytes);
    String text = new String(baseBytes, StandardCharsets.UTF_8);
    samples.add(text.replaceFirst("\"key\":\"", "\"key\":\"ff").getBytes(StandardCharsets.UTF_8)); // reserved key
    samples.add((text + "{\"key\":\"0401\",\"value\":\"" + "00".repeat(140_000) + "\"}\n").getBytes(StandardCharsets.UTF_8));
    samples.add((text + "\n\n{\"key\":\"0401\",\"value\":\"01\"}\n{\"key\":\"0401\",\"value\":\"02\"}\n").getBytes(StandardCharsets.UTF_8));
    samples.add("{\"key\":\"0501020000000000000001\",\"value\":\"\",\"extra\":1}\n".getBytes(StandardCharsets.UTF_8));
    HostileInputs inputs = new HostileInputs(seed, samples);
    Path in = work.resolve("in.jsonl");
    ActorStore.open(db).close(); // import needs an existing store; without one every file would fail the same way
    List<KeyValue> before = image(db, actor);
    for (long i = 0; i < count; i++) {
      byte[] file = inputs.next();
      Files.write(in, file);
      ToolRunner.Result res = guarded("", new String[] {"import", db.toString(), "--actor", actor, "--in", in.toString(), "--replace"});
      exits[res.exitCode() == 0 ? 0 : 1]++;
      String problem = contractProblem(res);
      List<KeyValue> after = image(db, actor);
      if (problem == null && res.exitCode() != 0 && !after.equals(before)) {
        problem = "a failed import changed the actor (" + before.size() + " -> " + after.size() + " keys): " + firstLine(res.err());
      }
      if (problem == null && res.exitCode() == 0) {
        Map<String, String> expected = parse(file);
        if (expected != null && !asMap(after).equals(expected)) {
          problem = "the imported actor differs from the file (" + after.size() + " keys, file has " + expected.size() + ")";
        }
      }
      if (problem != null) {
        System.out.println("V\t" + i + "\t" + (file.length > 200 ? HEX.encode(file, 0, 200) + "..." : HEX.encode(file)) + "\t" + problem.replace('\n', ' '));
      }
      before = after;
    }
    // Controls after the hostile files: the valid export must import, and exactly as written.
    Files.write(in, baseBytes);
    ToolRunner.Result res = guarded("", new String[] {"import", db.toString(), "--actor", actor, "--in", in.toString(), "--replace"});
    exits[res.exitCode() == 0 ? 0 : 1]++;
    String problem = res.exitCode() != 0 ? "the valid export did not import: " + firstLine(res.err())
        : !asMap(image(db, actor)).equals(parse(baseBytes)) ? "the valid export imported differently" : null;
    if (problem != null) {
      System.out.println("V\t" + count + "\tbase.jsonl\t" + problem);
    }
  }

  private static List<KeyValue> image(Path db, String actor) {
    if (!Files.exists(db)) {
      return List.of();
    }
    try (ActorStore store = ActorStore.open(db)) {
      return DiskImage.of(store, actor).entries();
    }
  }

  private static Map<String, String> asMap(List<KeyValue> kvs) {
    Map<String, String> m = new HashMap<>();
    kvs.forEach(kv -> m.put(HEX.encode(kv.key()), HEX.encode(kv.value())));
    return m;
  }

  /** The file's key/value lines as hex, or null when this simple reader cannot tell (then nothing is compared). */
  private static Map<String, String> parse(byte[] file) {
    Map<String, String> m = new HashMap<>();
    try {
      for (String line : new String(file, StandardCharsets.UTF_8).split("\n")) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode n = JSON.readTree(line);
        if (n.has("alarm")) {
          continue; // an alarm line (the demo's workflow sleeps on one): the image compared is the keys
        }
        m.put(n.get("key").asText().toLowerCase(java.util.Locale.ROOT), n.get("value").asText().toLowerCase(java.util.Locale.ROOT));
      }
      return m;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

}
