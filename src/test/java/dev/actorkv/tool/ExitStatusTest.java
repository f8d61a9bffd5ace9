package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ChildJvm;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * The exit statuses of the command line contract: 2 for bad input (recognised by type), 1 for a batch
 * run with a bad line, 70 for anything the tool did not expect (a library bug, a native library that does
 * not load), and never a stack trace or a Java class name on stderr.
 */
class ExitStatusTest {
  @TempDir Path tmp;

  /** A Java class or exception name: {@code java.lang.X}, {@code Outer$Inner}, {@code FooException}, {@code at dev.}. */
  private static final Pattern JAVA_NAMES = Pattern.compile(
      "Exception|Error\\b|\\bat (dev|java|picocli|org|com)\\.|\\b(java|javax|jdk|sun|dev\\.actorkv|com\\.google|com\\.fasterxml|org\\.rocksdb|picocli)\\.[a-z]|\\w\\$\\w|\\.java:\\d");

  static void assertReadable(CliRun r, String what) {
    assertTrue(r.err().startsWith("keyspace: "), what + ": " + r.err());
    assertFalse(JAVA_NAMES.matcher(r.err()).find(), what + ": a Java name or stack trace reached the user: " + r.err());
  }

  private Path store() {
    Path db = tmp.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      store.actor("a").put(ActorKeys.persistedData(), new byte[] {1});
    }
    return db;
  }

  @Test
  void badInputOfEveryCommandExitsTwoWithAPlainMessage() throws Exception {
    Path db = store();
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("notes.txt"), "mine");
    Path badHex = Files.writeString(tmp.resolve("bad-hex.jsonl"), "{\"key\":\"zz\",\"value\":\"00\"}\n");
    Path badJson = Files.writeString(tmp.resolve("bad-json.jsonl"), "{\"key\":\n");
    String deep = "[".repeat(200) + "]".repeat(200);
    List<String[]> cases = new ArrayList<>(List.of(
        new String[] {"tuple", "unpack", "zz"},
        new String[] {"tuple", "unpack", "0"},
        new String[] {"tuple", "unpack", "13"},
        new String[] {"tuple", "pack", "[1"},
        new String[] {"tuple", "pack", "[1.5]"},
        new String[] {"tuple", "pack", deep},
        new String[] {"tuple", "pack", "[".repeat(3000) + "]".repeat(3000)},
        new String[] {"tuple", "pack", "[{\"bytes\":\"zz\"}]"},
        new String[] {"tuple", "pack", "[{\"uuid\":\"nope\"}]"},
        new String[] {"tuple", "pack", "[{\"versionstamp\":\"00\"}]"},
        new String[] {"key", "describe", "0g"},
        new String[] {"key", "describe", "ff"},
        new String[] {"key", "encode", "[]"},
        new String[] {"key", "encode", "{}"},
        new String[] {"key", "encode", "{\"namespace\":\"workflow\",\"version\":1,\"kind\":\"name\",\"index\":-1}"},
        new String[] {"key", "encode", "{\"namespace\":\"connection\",\"conn_id\":\"\"}"},
        new String[] {"key", "encode", "{\"namespace\":\"connection\",\"conn_id\":\"\\ud800\"}"},
        new String[] {"key", "encode", "{\"namespace\":\"workflow\",\"version\":1,\"kind\":\"entry_metadata\",\"entry_id\":\"a\\udc00\"}"},
        new String[] {"key", "encode", "{\"namespace\":\"sqlite\",\"version\":1,\"kind\":\"chunk\",\"file\":\"x\",\"chunk_index\":1}"},
        new String[] {"key", "encode", "{\"namespace\":\"nope\"}"},
        new String[] {"key", "encode", "{\"namespace\":\"queue\",\"version\":1,\"kind\":\"message\",\"id\":18446744073709551616}"},
        new String[] {"tuple", "frobnicate"},
        new String[] {"dump", tmp.resolve("missing").toString()},
        new String[] {"dump", file.toString()},
        new String[] {"check", foreign.toString()},
        new String[] {"export", db.toString()},
        new String[] {"export", db.toString(), "--actor", "a", "--out", tmp.resolve("no/such/dir/f").toString()},
        new String[] {"import", db.toString(), "--actor", "b", "--in", badHex.toString()},
        new String[] {"import", db.toString(), "--actor", "b", "--in", badJson.toString()},
        new String[] {"import", db.toString(), "--actor", "b", "--in", tmp.resolve("no-such-file").toString()},
        new String[] {"import", foreign.toString(), "--actor", "b", "--in", badHex.toString()},
        new String[] {"demo", file.toString()},
        new String[] {"demo", foreign.toString()},
        new String[] {"sql", foreign.toString(), "--actor", "a", "SELECT 1"},
        new String[] {"migrate", db.toString(), "--batch-size", "0"},
        new String[] {"migrate", db.toString(), "--batch-size", "x"},
        new String[] {"migrate", db.toString(), "--prefer", "both"},
        new String[] {"dump", db.toString(), "--actor", "\ud800"},
        new String[] {"dump", db.toString(), "--bogus"}));
    for (String[] args : cases) {
      CliRun r = CliRun.run(args);
      String what = String.join(" ", args);
      assertEquals(Errors.BAD_INPUT, r.exit(), what + ": " + r.err());
      assertReadable(r, what.length() > 80 ? what.substring(0, 80) : what);
    }
    assertEquals("mine", Files.readString(foreign.resolve("notes.txt")));
    try (var entries = Files.list(foreign)) {
      assertEquals(1, entries.count(), "nothing was written into a directory that holds something else");
    }
  }

  @Test
  void aHexErrorInImportNamesTheCharacterNotADecoderClass() throws Exception {
    Path db = store();
    Path in = Files.writeString(tmp.resolve("in.jsonl"), "{\"key\":\"01\",\"value\":\"0z\"}\n");
    CliRun r = CliRun.run("import", db.toString(), "--actor", "b", "--in", in.toString());
    assertEquals(2, r.exit());
    assertEquals("keyspace: line 1: field \"value\" is not valid hex: character 'z' at position 1; nothing was imported\n", r.err());
  }

  @Test
  void batchRunsGoOnAfterABadLineAndExitOne() {
    List<String[]> commands = List.of(
        new String[] {"[1]\n[1\n[\"a\"]\n", "tuple", "pack"},
        new String[] {"1501\nzz\n0200\n", "tuple", "unpack"},
        new String[] {"01\n0g\n01\n", "key", "describe"},
        new String[] {"{\"namespace\":\"persisted_data\"}\n{}\n{\"namespace\":\"inspector_token\"}\n", "key", "encode"});
    for (String[] c : commands) {
      String[] args = List.of(c).subList(1, c.length).toArray(String[]::new);
      CliRun bad = CliRun.withStdin(c[0], args);
      String what = String.join(" ", args);
      assertEquals(Errors.FAILED, bad.exit(), what + ": " + bad.err());
      assertEquals(3, bad.lines().size(), what + ": the run went on after the bad line: " + bad.out());
      assertTrue(bad.lines().get(1).startsWith("{\"error\":\""), bad.out());
      assertFalse(bad.lines().get(2).contains("error"), bad.out());
      assertEquals("", bad.err());
      assertFalse(JAVA_NAMES.matcher(bad.out()).find(), bad.out());
      String good = c[0].lines().toList().get(0) + "\n" + c[0].lines().toList().get(2) + "\n";
      CliRun ok = CliRun.withStdin(good, args);
      assertEquals(Errors.OK, ok.exit(), what + ": every line good");
    }
  }

  /** A command standing in for a library bug: throws what the test names. */
  @Command(name = "explode")
  static final class Explode implements Callable<Integer> {
    @Parameters(index = "0")
    String kind;

    @Override
    public Integer call() {
      RuntimeException unchecked = switch (kind) {
        case "npe" -> new NullPointerException();
        case "state" -> new IllegalStateException("queue metadata went backwards");
        case "argument" -> new IllegalArgumentException("name index must be >= 0");
        default -> null;
      };
      if (unchecked != null) {
        throw unchecked;
      }
      throw switch (kind) {
        case "link" -> new ExceptionInInitializerError(new RuntimeException("Unable to load the RocksDB shared library",
            new UnsatisfiedLinkError("/tmp/librocksdbjni.so: invalid ELF header")));
        case "overflow" -> new StackOverflowError();
        default -> new AssertionError(kind);
      };
    }
  }

  /** A line command whose library call fails unexpectedly on one line: a bug, not a bad line. */
  @Command(name = "lines")
  static final class BuggyLines extends LineCommand {
    @Override
    String apply(String item) {
      if (item.equals("boom")) {
        throw new IllegalArgumentException("an argument check inside the library");
      }
      return item;
    }

    @Override
    String argument() {
      return null;
    }
  }

  private static CommandLine withTestCommands() {
    CommandLine cl = KeyspaceCli.commandLine();
    cl.addSubcommand(new Explode());
    cl.addSubcommand(new BuggyLines());
    return cl;
  }

  @Test
  void anUnexpectedExceptionOrErrorIsAnInternalErrorWithoutAStackTrace() {
    for (String kind : List.of("npe", "state", "argument", "link", "overflow")) {
      CliRun r = CliRun.on(withTestCommands(), "", "explode", kind);
      assertEquals(Errors.INTERNAL, r.exit(), kind + ": " + r.err());
      assertTrue(r.err().startsWith("keyspace: internal error: "), r.err());
      assertReadable(r, kind);
    }
    CliRun state = CliRun.on(withTestCommands(), "", "explode", "state");
    assertTrue(state.err().startsWith("keyspace: internal error: queue metadata went backwards\n"), state.err());
    CliRun link = CliRun.on(withTestCommands(), "", "explode", "link");
    assertTrue(link.err().startsWith("keyspace: internal error: cannot load a native library: Unable to load the RocksDB "
        + "shared library: /tmp/librocksdbjni.so: invalid ELF header\n"), link.err());
  }

  @Test
  void aLibraryBugInBatchModeEndsTheRunAsAnInternalError() {
    CliRun r = CliRun.on(withTestCommands(), "a\nboom\nc\n", "lines");
    assertEquals(Errors.INTERNAL, r.exit(), r.err());
    assertEquals(List.of("a"), r.lines(), "not reported as a bad line");
    assertReadable(r, "lines");
  }

  /** Child: runs the tool's main, as ./keyspace does. */
  public static final class Main {
    public static void main(String[] args) {
      KeyspaceCli.main(args);
    }
  }

  @Test
  void aNativeLibraryThatDoesNotLoadIsAnInternalErrorWithAReadableMessage() throws Exception {
    Path db = store();
    Path out = tmp.resolve("child.out");
    // A temporary directory that is a file: neither the shared copy nor RocksDB's own loader can
    // extract the library, so the store class fails to initialise in the child.
    Path notADirectory = Files.writeString(tmp.resolve("not-a-directory"), "x");
    try (ChildJvm child = ChildJvm.start(List.of("-Djava.io.tmpdir=" + notADirectory), Main.class, null, out, "dump", db.toString())) {
      int exit = child.waitFor(60, TimeUnit.SECONDS);
      // The JVM's own warning about the temporary directory is not the tool's to word.
      String err = Files.readString(Path.of(out + ".err"), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.startsWith("WARNING: ")).map(l -> l + "\n").reduce("", String::concat);
      assertEquals(Errors.INTERNAL, exit, err);
      assertTrue(err.startsWith("keyspace: internal error: "), err);
      assertTrue(err.contains("RocksDB"), err);
      assertFalse(JAVA_NAMES.matcher(err).find(), "a Java name or stack trace reached the user: " + err);
    }
  }
}
