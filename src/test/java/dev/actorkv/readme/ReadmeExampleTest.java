package dev.actorkv.readme;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowState;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's Java example is a complete program: this takes the one {@code ```java} block out of
 * README.md as it stands, compiles it against the test classpath and runs it in a child JVM on a new
 * store, so an example that no longer compiles or runs fails the build. The child's class path lacks the
 * optional dependencies (picocli, the OpenTelemetry SDK), as a library user's does; it keeps the
 * OpenTelemetry API (with -context and -common), a normal dependency the store's metrics record through.
 */
class ReadmeExampleTest {
  private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
  private static final Pattern PUBLIC_CLASS = Pattern.compile("(?m)^public (?:final )?class (\\w+)");

  @TempDir Path work;

  static String readmeJavaBlock() throws IOException {
    String readme = Files.readString(Path.of(System.getProperty("user.dir"), "README.md"), StandardCharsets.UTF_8);
    Matcher m = JAVA_BLOCK.matcher(readme);
    assertTrue(m.find(), "README.md has no ```java block");
    String block = m.group(1);
    assertTrue(!m.find(), "README.md has more than one ```java block; this test runs exactly one");
    return block;
  }

  @Test
  void readmeJavaBlockCompilesAndRuns() throws Exception {
    String source = readmeJavaBlock();
    Matcher name = PUBLIC_CLASS.matcher(source);
    assertTrue(name.find(), "the README's ```java block declares no public class");
    String className = name.group(1);

    Path classes = Files.createDirectories(work.resolve("classes"));
    compile(className, source, classes);

    Path store = work.resolve("store");
    Run run = runJava(className, classes, store.toString());
    assertEquals(0, run.exit(), () -> "the README example exited " + run.exit() + ":\n" + run.stdout() + run.stderr());
    assertEquals(List.of("received 1", "name ada"), run.stdout().lines().limit(2).toList(), run::stdout);
    assertTrue(run.stdout().lines().skip(2).findFirst().orElse("").startsWith("workflow Sleeping[wakeAt="), run::stdout);

    // What it wrote is in the store it was given.
    try (ActorStore opened = ActorStore.open(store)) {
      ActorKeyspace actor = opened.actor("room-42");
      assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), actor.get(ActorKeys.persistedData()));
      assertArrayEquals("1".getBytes(StandardCharsets.UTF_8), actor.get(ActorKeys.userKv("a".getBytes(StandardCharsets.UTF_8))));
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        assertEquals("ada", db.query("SELECT name FROM t WHERE id = ?", 1L).single().getString(0));
      }
      assertEquals(WorkflowState.SLEEPING, WorkflowEngine.open(actor).status().state());
    }
  }

  @Test
  void aBlockThatDoesNotCompileIsReported() throws Exception {
    String broken = readmeJavaBlock().replace("throws InterruptedException", "");
    AssertionError e = assertThrows(AssertionError.class,
        () -> compile("Example", broken, Files.createDirectories(work.resolve("broken"))));
    assertTrue(e.getMessage().contains("InterruptedException"), e.getMessage());
  }

  private static void compile(String className, String source, Path classes) throws IOException {
    Path src = Files.createDirectories(classes.resolveSibling(classes.getFileName() + "-src")).resolve(className + ".java");
    Files.writeString(src, source, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "no system Java compiler (the tests need a JDK)");
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
          "-proc:none", "-Xlint:all");
      boolean ok = javac.getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(src)).call();
      StringBuilder report = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        report.append("README.md java block line ").append(d.getLineNumber()).append(": ")
            .append(d.getKind()).append(": ").append(d.getMessage(Locale.ROOT)).append('\n');
      }
      assertTrue(ok, () -> "the README's ```java block does not compile:\n" + report);
      assertEquals("", report.toString(), "the README's ```java block compiles with warnings");
    }
  }

  private record Run(int exit, String stdout, String stderr) {}

  /** The pom's optional dependencies (and what only they bring) that a library user does not receive. */
  static String withoutOptionalDependencies(String classPath) {
    List<String> kept = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      String file = Path.of(entry).getFileName().toString();
      boolean optional = file.startsWith("picocli-")
          || (file.startsWith("opentelemetry-") && !file.startsWith("opentelemetry-proto-")
              && !file.startsWith("opentelemetry-api-") && !file.startsWith("opentelemetry-context-")
              && !file.startsWith("opentelemetry-common-"));
      if (!optional) {
        kept.add(entry);
      }
    }
    assertTrue(kept.size() < classPath.split(File.pathSeparator).length, "no optional dependency on " + classPath);
    return String.join(File.pathSeparator, kept);
  }

  private Run runJava(String mainClass, Path classes, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
        "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
        "-cp", classes + File.pathSeparator + withoutOptionalDependencies(System.getProperty("java.class.path")), mainClass));
    cmd.addAll(List.of(args));
    Path out = work.resolve("stdout");
    Path err = work.resolve("stderr");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("the README example did not finish in 120 s");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
