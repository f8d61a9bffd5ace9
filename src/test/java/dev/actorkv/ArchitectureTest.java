package dev.actorkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The rules of the code's shape that the compiler does not check: packages depend on each other in one
 * direction only (tuple, keyspace, store, then the managers and integrations, then the tool), and every
 * exception the library throws for its callers is an {@link ActorKvException}, none an
 * {@link IllegalArgumentException} or {@link IllegalStateException} (which stay a caller's programming
 * error, so the CLI never reports a library bug as the user's bad input).
 */
class ArchitectureTest {
  /**
   * The packages each top-level package may use besides itself and the root package. sqlite uses
   * migrate's {@code LegacyLayoutException} to refuse an actor whose database is still in the legacy
   * layout.
   */
  static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
      Map.entry("tuple", Set.of()),
      Map.entry("keyspace", Set.of("tuple")),
      Map.entry("store", Set.of("tuple", "keyspace")),
      Map.entry("alarm", Set.of("tuple", "keyspace", "store")),
      Map.entry("queue", Set.of("tuple", "keyspace", "store")),
      Map.entry("traces", Set.of("tuple", "keyspace", "store")),
      Map.entry("migrate", Set.of("tuple", "keyspace", "store")),
      Map.entry("backup", Set.of("tuple", "keyspace", "store")),
      Map.entry("pekko", Set.of("tuple", "keyspace", "store")),
      Map.entry("sqlite", Set.of("tuple", "keyspace", "store", "migrate")),
      Map.entry("workflow", Set.of("tuple", "keyspace", "store", "alarm", "queue")),
      Map.entry("tool", Set.of("tuple", "keyspace", "store", "alarm", "queue", "traces", "migrate", "backup",
          "pekko", "sqlite", "workflow")));

  private static final Path MAIN = Path.of("src/main/java/dev/actorkv");
  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.actorkv\\.([a-z]+)\\b");

  @Test
  void packagesDependOnEachOtherInOneDirection() throws IOException {
    List<String> violations = new ArrayList<>();
    int files = 0;
    try (Stream<Path> walk = Files.walk(MAIN)) {
      for (Path f : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java"))::iterator) {
        Path relative = MAIN.relativize(f);
        if (relative.getNameCount() < 2) {
          continue; // the root package: ActorKvException
        }
        files++;
        String pkg = relative.getName(0).toString();
        Set<String> allowed = ALLOWED.get(pkg);
        assertTrue(allowed != null, "package " + pkg + " has no place in ArchitectureTest.ALLOWED: add it");
        Matcher m = REFERENCE.matcher(code(Files.readString(f)));
        Set<String> used = new TreeSet<>();
        while (m.find()) {
          used.add(m.group(1));
        }
        for (String other : used) {
          if (!other.equals(pkg) && !allowed.contains(other)) {
            violations.add(relative + " uses " + other);
          }
        }
      }
    }
    assertTrue(files > 100, "found only " + files + " sources: is the working directory the project?");
    assertEquals(List.of(), violations);
  }

  @Test
  void theRuleSeesAReferenceAgainstTheDirectionAndIgnoresCommentsAndStrings() {
    String source = """
        package dev.actorkv.store;
        // dev.actorkv.tool in a comment
        /** {@code dev.actorkv.alarm.AlarmScheduler} in Javadoc */
        class X { String s = "dev.actorkv.demo"; Object o = dev.actorkv.queue.ActorQueue.class; }
        """;
    Matcher m = REFERENCE.matcher(code(source));
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    assertEquals(List.of("store", "queue"), found);
  }

  @Test
  void everyLibraryExceptionIsAnActorKvExceptionAndNoneAnArgumentOrStateException() throws Exception {
    List<String> violations = new ArrayList<>();
    int throwables = 0;
    for (Class<?> c : mainClasses()) {
      if (!Throwable.class.isAssignableFrom(c) || c == ActorKvException.class) {
        continue;
      }
      throwables++;
      if (IllegalArgumentException.class.isAssignableFrom(c) || IllegalStateException.class.isAssignableFrom(c)) {
        violations.add(c.getName() + " extends " + c.getSuperclass().getName());
      }
      if (Modifier.isPublic(c.getModifiers()) && !ActorKvException.class.isAssignableFrom(c)) {
        violations.add(c.getName() + " is public and not an ActorKvException");
      }
    }
    assertTrue(throwables > 40, "found only " + throwables + " exception classes");
    assertEquals(List.of(), violations);
  }

  /**
   * The tool holds no manager logic: it reads a manager's stored values and checks its invariants only
   * through the manager's {@code NamespaceAudit}, never through the manager's codecs and checks, and those
   * that only the audits use are not public.
   */
  @Test
  void theToolReachesManagersStoredFormsOnlyThroughTheirAudits() throws Exception {
    List<String> internals = List.of("QueueCodec", "QueueAudit", "SqliteAudit", "FileMeta", "SqliteHeader",
        "TraceChunks", "WorkflowHistory", "WorkflowAudit");
    Pattern managerClass = Pattern.compile("\\bdev\\.actorkv\\.(?:queue|sqlite|traces|workflow)\\.(\\w+)\\b");
    List<String> violations = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(MAIN.resolve("tool"))) {
      for (Path f : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".java"))::iterator) {
        Matcher m = managerClass.matcher(code(Files.readString(f)));
        while (m.find()) {
          if (internals.contains(m.group(1))) {
            violations.add(MAIN.relativize(f) + " uses " + m.group(1));
          }
        }
      }
    }
    for (String name : List.of("queue.QueueAudit", "sqlite.SqliteAudit", "sqlite.SqliteHeader", "sqlite.FileMeta",
        "traces.TraceChunks", "workflow.WorkflowAudit")) {
      Class<?> c = Class.forName("dev.actorkv." + name, false, ArchitectureTest.class.getClassLoader());
      if (Modifier.isPublic(c.getModifiers())) {
        violations.add(name + " is public");
      }
    }
    assertEquals(List.of(), violations);
  }

  /** Every class compiled from src/main, loaded without initialising it. */
  private static List<Class<?>> mainClasses() throws IOException, ClassNotFoundException {
    Path classes = Path.of(ActorKvException.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    List<Class<?>> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) walk.filter(p -> p.toString().endsWith(".class"))::iterator) {
        String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
        if (name.startsWith("dev.actorkv.") && !name.contains(".proto.")) {
          out.add(Class.forName(name, false, ArchitectureTest.class.getClassLoader()));
        }
      }
    }
    return out;
  }

  /** {@code source} with its comments and string and character literals blanked out. */
  static String code(String source) {
    StringBuilder out = new StringBuilder(source.length());
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (source.startsWith("//", i)) {
        while (i < n && source.charAt(i) != '\n') {
          i++;
        }
      } else if (source.startsWith("/*", i)) {
        int end = source.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
        out.append(' ');
      } else if (source.startsWith("\"\"\"", i)) {
        int end = source.indexOf("\"\"\"", i + 3);
        i = end < 0 ? n : end + 3;
        out.append("\"\"");
      } else if (c == '"' || c == '\'') {
        i++;
        while (i < n && source.charAt(i) != c) {
          i += source.charAt(i) == '\\' ? 2 : 1;
        }
        i++;
        out.append("\"\"");
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }
}
