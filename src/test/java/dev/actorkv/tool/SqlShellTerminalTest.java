package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyspace sql} on a real terminal: a tmux session runs the tool in a pseudo-terminal, keys are
 * typed into it and the screen is read back. Needs tmux ({@code .ci/run} installs it); skipped outside CI
 * without it.
 */
class SqlShellTerminalTest {
  @TempDir Path dir;

  private final String socket = "keyspace-sql-test-" + ProcessHandle.current().pid();

  @Test
  void promptsEditsAndRemembersLinesAndGoesOnAfterErrors() throws Exception {
    boolean hasTmux = run(List.of("tmux", "-V")) == 0;
    assumeTrue(hasTmux || System.getenv("CI") != null, "tmux is not installed");
    Path home = Files.createDirectories(dir.resolve("home"));
    Path script = dir.resolve("run.sh");
    String java = ProcessHandle.current().info().command().orElse("java");
    Files.writeString(script, "#!/bin/sh\nexport HOME='" + home + "'\n'" + java
        + "' --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -cp '"
        + System.getProperty("java.class.path") + "' " + KeyspaceCli.class.getName() + " sql '" + dir.resolve("db")
        + "' --actor a\necho \"EXIT=$?\"\nsleep 60\n");
    assertEquals(0, run(List.of("tmux", "-L", socket, "new-session", "-d", "-s", "t", "-x", "100", "-y", "40",
        "sh " + script)));
    try {
      awaitScreen(s -> s.contains("sqlite>")); // trailing blanks are stripped from captured lines
      type("CREATE TABLE t(a);");
      type("SELECT 1,");
      awaitScreen(s -> s.contains("   ...>"));
      type("2;");
      // Keys typed before the shell reads its next line are echoed by the terminal itself, among the rows.
      awaitScreen(s -> s.contains("\n1|2\n"));
      type("SELECT nope;");
      type("INSERT INTO t VALUES (40 + 2);");
      type("SELECT * FROM t;");
      awaitScreen(s -> s.contains("\n42\n"));
      keys("Up"); // history: the SELECT again, edited at its end
      keys("BSpace");
      typeLiteral(" UNION ALL SELECT 'edited';");
      keys("Enter");
      awaitScreen(s -> s.contains("\n42\nedited\n"));
      type(".quit");
      String screen = awaitScreen(s -> s.contains("EXIT="));
      assertTrue(screen.contains("sqlite> SELECT 1,\n   ...> 2;\n1|2\n"), screen);
      // On a terminal sqlite3 names no line number.
      assertTrue(screen.contains("Parse error: no such column: nope\n  SELECT nope;\n         ^--- error here\n"), screen);
      assertTrue(screen.contains("EXIT=1"), screen);
      String history = Files.readString(home.resolve(".keyspace_sql_history"), StandardCharsets.UTF_8);
      assertTrue(history.contains("INSERT INTO t VALUES (40 + 2);"), history);
    } finally {
      run(List.of("tmux", "-L", socket, "kill-server"));
    }
  }

  private void type(String line) throws Exception {
    typeLiteral(line);
    keys("Enter");
  }

  private void typeLiteral(String text) throws Exception {
    // -l: the text as it is (tmux would otherwise read a trailing ';' as its own command separator)
    assertEquals(0, run(List.of("tmux", "-L", socket, "send-keys", "-t", "t", "-l", text.endsWith(";") ? text.substring(0,
        text.length() - 1) : text)));
    if (text.endsWith(";")) {
      assertEquals(0, run(List.of("tmux", "-L", socket, "send-keys", "-t", "t", "\\;")));
    }
  }

  private void keys(String key) throws Exception {
    assertEquals(0, run(List.of("tmux", "-L", socket, "send-keys", "-t", "t", key)));
  }

  private String awaitScreen(Predicate<String> ready) throws Exception {
    String screen = "";
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      screen = capture();
      if (ready.test(screen)) {
        return screen;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the screen never showed what was expected:\n" + screen);
  }

  private String capture() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tmux", "-L", socket, "capture-pane", "-t", "t", "-p", "-S", "-100")
        .redirectErrorStream(true).start();
    String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    List<String> lines = new ArrayList<>();
    for (String l : s.split("\n", -1)) {
      lines.add(l.stripTrailing());
    }
    return String.join("\n", lines);
  }

  private static int run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
