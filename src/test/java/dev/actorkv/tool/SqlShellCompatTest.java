package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyspace sql} against the real sqlite3 shell: the same script, the same flags, one run on a plain
 * database file with {@code sqlite3}, one on an actor's database; standard output, standard error and the
 * exit status must be identical, byte for byte. Needs the sqlite3 program (Debian package sqlite3, which
 * {@code .ci/run} installs); outside CI the tests are skipped without it.
 */
class SqlShellCompatTest {
  @TempDir Path dir;

  private static String sqlite3;

  @BeforeAll
  static void findSqlite3() {
    for (String d : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path p = Path.of(d, "sqlite3");
      if (Files.isExecutable(p)) {
        sqlite3 = p.toString();
        break;
      }
    }
    assumeTrue(sqlite3 != null || System.getenv("CI") != null, "the sqlite3 program is not installed");
    if (sqlite3 == null) {
      throw new IllegalStateException("CI must have the sqlite3 program (.ci/run installs it)");
    }
  }

  /** Values of every type and the characters each mode treats specially. */
  private static final String DATA = """
      CREATE TABLE t(a, b TEXT, c BLOB, d REAL);
      INSERT INTO t VALUES (1, 'he said "hi"', x'00410a42ff', 1.0);
      INSERT INTO t VALUES (NULL, 'line1
      line2', x'', 1e20);
      INSERT INTO t VALUES (-5, 'a,b|c', NULL, 0.1);
      INSERT INTO t VALUES (2.5, '', 'text', 1e-7);
      INSERT INTO t VALUES (9223372036854775807, 'tab	here '' quote', x'c3a9', 3.14159265358979);
      INSERT INTO t VALUES (1e300, 'é ünï', x'80', -0.0);
      INSERT INTO t VALUES (0, 'back\\slash', x'5c22', 123456789012345678.0);
      SELECT * FROM t;
      SELECT a AS "col name", d AS "ü", 1.5e300 * 1e300 AS inf, -1.5e300 * 1e300, 0.1 + 0.2, 100.0, 2.5e-310 FROM t LIMIT 2;
      SELECT * FROM t WHERE 0;
      SELECT 'second statement', char(1, 31, 127);
      """;

  @Test
  void everyModeMatchesSqlite3() throws Exception {
    for (String flags : List.of("", "-list", "-header", "-noheader", "-csv", "-csv -header", "-json", "-json -header",
        "-line", "-line -header", "-separator ::", "-header -separator , -newline ;", "-csv -separator ;",
        "-separator ; -csv", "-tabs -header", "-nullvalue NULL", "-csv -nullvalue N")) {
      assertSame(DATA, flags.isEmpty() ? new String[0] : flags.split(" "));
    }
  }

  @Test
  void dotCommandsMatchSqlite3() throws Exception {
    assertSame(DATA + """
        .mode csv
        SELECT * FROM t;
        .headers on
        SELECT a, b FROM t;
        SELECT 1 AS z;
        .mode list
        SELECT a, b FROM t;
        .mode json
        SELECT * FROM t;
        .mode line
        SELECT * FROM t;
        .mode
        .mode li
        .mode
        .mode tabs
        SELECT a, b FROM t;
        .mode foo
        .headers maybe
        .headers
        .header off
        .separator " - " "\\n--\\n"
        SELECT a, b FROM t;
        .nullvalue (null)
        SELECT a, c FROM t;
        .bogus arg
        .
        .tables
        CREATE VIEW v AS SELECT a, b AS "b c", 1+1 FROM t;
        CREATE INDEX i ON t(b);
        CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1; END;
        CREATE TEMP TABLE tt(x);
        CREATE TEMP VIEW tv AS SELECT 1 AS q;
        CREATE TABLE "order"(x);
        CREATE TABLE "quoted name"(x -- a comment
        );
        CREATE TABLE a_very_long_table_name_that_takes_one_column(x);
        .tables
        .tables t%
        .tables nothing
        .schema
        .schema t
        .schema T
        .schema tt
        .schema v
        .schema %v%
        .schema order
        .schema json_each
        .schema sqlite_master
        .schema a b
        .schema --bogus
        .ta
        .sch t
        .exit 0
        SELECT 'not reached';
        """);
  }

  @Test
  void errorsMatchSqlite3AndTheSessionGoesOn() throws Exception {
    assertSame("""
        CREATE TABLE t(a INTEGER, b);
        SELECT 1;
        SELECT * FROM nosuch;
        INSERT INTO t VALUES(1, 2);
          selec 2;
        SELECT 3;
        SELECT 1,
         2,
         zz;
        SELECT 4; SELECT bad; SELECT 5;
        CREATE TABLE u(a UNIQUE); INSERT INTO u VALUES(1); INSERT INTO u VALUES(1);
        SELECT abs(-9223372036854775808);
        SELECT * FROM t WHERE a = 1 AND b = 2 AND c = 3 AND d = 4 AND eeeeeeeeeeeeeeeeeeee = 5 AND ffff = 6;
        SELECT 1 FROM t WHERE a = 1 AND b = 2 AND a = 3 AND b = 4 AND a = 5 AND b = 6 AND ééé = 7 AND b = 8 AND a = 9;
        SELECT a FROM t WHERE b = ;
        .mode json
        SELECT 1 AS x UNION ALL SELECT abs(-9223372036854775808);
        select 1;;
        ;
        -- a comment
        /* a block
        comment */
        SELECT /* x
        ;*/ 7;
        SELECT 'a;
        b';
        SELECT 8
        go
        SELECT 9
        /
        SELECT 10""");
  }

  @Test
  void quitEndsTheSessionAndKeepsTheFailure() throws Exception {
    assertSame("SELECT nope;\nSELECT 1;\n.quit\nSELECT 2;\n");
    assertSame("SELECT 1;\n.exit\nSELECT 2;\n");
  }

  @Test
  void sqlArgumentMatchesSqlite3() throws Exception {
    for (String sql : List.of("SELECT 1; SELECT * FROM x; SELECT 2", "SELECT 1, 2.5, x'41', NULL", ".tables",
        "CREATE TABLE t(a); INSERT INTO t VALUES (1); SELECT * FROM t; SELECT 1 +")) {
      Path file = dir.resolve("arg-" + Math.abs(sql.hashCode()) + ".db");
      Path store = dir.resolve("arg-store-" + Math.abs(sql.hashCode()));
      Result expected = sqlite3(file, new byte[0], List.of(sql));
      CliRun.Bytes actual = CliRun.withStdinBytes(new byte[0], "sql", store.toString(), "--actor", "a", sql);
      assertEquals(text(expected.out), text(actual.out()), sql);
      assertEquals(text(expected.err), text(actual.err()), sql);
      assertEquals(expected.exit == 0 ? 0 : 1, actual.exit(), sql);
    }
  }

  @Test
  void helpNamesOnlyWhatThisShellHasInSqlite3sWords() throws Exception {
    CliRun.Bytes ours = CliRun.withStdinBytes(".help\n".getBytes(StandardCharsets.UTF_8), "sql",
        dir.resolve("s").toString(), "--actor", "a");
    List<String> theirs = text(sqlite3(dir.resolve("h.db"), ".help\n".getBytes(StandardCharsets.UTF_8), List.of()).out)
        .lines().toList();
    List<String> lines = text(ours.out()).lines().toList();
    assertEquals(DotCommands.HELP, lines);
    for (String line : lines) {
      String command = line.substring(0, line.indexOf(' '));
      String description = line.substring(25);
      assertTrue(theirs.stream().anyMatch(t -> t.startsWith(command + " ")
          && (t.substring(25).equals(description) || description.startsWith(t.substring(25)))),
          "sqlite3's .help has no line like " + line);
    }
  }

  @Test
  void readonlyRefusesWritesAsSqlite3Does() throws Exception {
    Path store = dir.resolve("ro");
    assertEquals(0, CliRun.withStdinBytes(new byte[0], "sql", store.toString(), "--actor", "a",
        "CREATE TABLE t(a); INSERT INTO t VALUES (1)").exit());
    Path file = dir.resolve("ro.db");
    sqlite3(file, new byte[0], List.of("CREATE TABLE t(a); INSERT INTO t VALUES (1)"));
    byte[] script = "INSERT INTO t VALUES (2);\nSELECT count(*) FROM t;\nCREATE TABLE u(b);\n"
        .getBytes(StandardCharsets.UTF_8);
    Result expected = sqlite3(file, script, List.of(), "-readonly");
    CliRun.Bytes actual = CliRun.withStdinBytes(script, "sql", store.toString(), "--actor", "a", "--readonly");
    assertEquals(text(expected.out), text(actual.out()));
    assertEquals(text(expected.err), text(actual.err()));
    assertTrue(text(actual.err()).contains("attempt to write a readonly database"), text(actual.err()));
    assertEquals(1, actual.exit());
  }

  /** A long-lived session over a pipe: each statement's rows arrive before the next line is written. */
  @Test
  void statementsRunAsTheirLinesArrive() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBinary(), "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-cp", System.getProperty("java.class.path"),
        KeyspaceCli.class.getName(), "sql", dir.resolve("pipe").toString(), "--actor", "a"));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try (OutputStream in = p.getOutputStream(); InputStream out = p.getInputStream()) {
      in.write("CREATE TABLE t(a);\nINSERT INTO t VALUES (41);\nSELECT a + 1 FROM t;\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      assertEquals("42\n", readLine(out));
      in.write("SELECT nope;\nSELECT 'still here';\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      assertEquals("still here\n", readLine(out));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(1, p.exitValue());
  }

  // ------------------------------------------------------------------ helpers

  private record Result(int exit, byte[] out, byte[] err) {}

  private void assertSame(String script, String... flags) throws Exception {
    byte[] input = script.getBytes(StandardCharsets.UTF_8);
    String name = "run-" + Math.abs((script + Arrays.toString(flags)).hashCode());
    Result expected = sqlite3(dir.resolve(name + ".db"), input, List.of(), flags);
    List<String> args = new ArrayList<>(List.of("sql", dir.resolve(name).toString(), "--actor", "a"));
    args.addAll(List.of(flags));
    CliRun.Bytes actual = CliRun.withStdinBytes(input, args.toArray(String[]::new));
    String what = "flags " + Arrays.toString(flags);
    assertEquals(text(expected.out), text(actual.out()), what);
    assertArrayEquals(expected.out, actual.out(), what + ": the same text but not the same bytes");
    assertEquals(text(expected.err), text(actual.err()), what);
    assertEquals(expected.exit, actual.exit(), what);
  }

  private static Result sqlite3(Path file, byte[] stdin, List<String> sqlArgs, String... flags) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(sqlite3);
    cmd.addAll(List.of(flags));
    cmd.add(file.toString());
    cmd.addAll(sqlArgs);
    Process p = new ProcessBuilder(cmd).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin);
    }
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    return new Result(p.exitValue(), out, err);
  }

  /** Bytes shown as text for a readable failure (bytes that are not UTF-8 as \xNN). */
  private static String text(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      sb.append(c < 0x80 ? String.valueOf((char) c) : String.format("\\x%02x", c));
    }
    return sb.toString();
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      sb.append((char) c);
      if (c == '\n') {
        break;
      }
    }
    return sb.toString();
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command().orElse("java");
  }
}
