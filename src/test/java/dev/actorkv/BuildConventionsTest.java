package dev.actorkv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Surefire runs only the test classes whose file names match the pom's {@code <includes>}; a class of
 * tests named otherwise compiles and never runs, so it can never fail. Five jqwik property classes
 * (named {@code *Properties}) went unrun that way until the pattern was added. This checks every test
 * source against the pom's patterns.
 */
class BuildConventionsTest {
  private static final Pattern TEST_ANNOTATION =
      Pattern.compile("^\\s*@(Test|Property|Example|ParameterizedTest|RepeatedTest|TestFactory)\\b", Pattern.MULTILINE);
  private static final Pattern INCLUDE = Pattern.compile("<include>\\*\\*/([A-Za-z*]+)\\.java</include>");

  @Test
  void everyClassWithTestsMatchesSurefiresIncludes() throws IOException {
    List<Pattern> includes = includes(Files.readString(Path.of("pom.xml")));
    assertFalse(includes.isEmpty(), "no <include>**/Name.java</include> patterns in pom.xml");
    List<String> unrun = new ArrayList<>();
    int withTests = 0;
    try (Stream<Path> files = Files.walk(Path.of("src/test/java"))) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        if (!TEST_ANNOTATION.matcher(Files.readString(f)).find()) {
          continue;
        }
        withTests++;
        String name = f.getFileName().toString().replace(".java", "");
        if (includes.stream().noneMatch(p -> p.matcher(name).matches())) {
          unrun.add(f.toString());
        }
      }
    }
    assertTrue(withTests > 50, "found only " + withTests + " test classes: is the working directory the project?");
    assertEquals(List.of(), unrun, "test classes surefire does not run (rename them or add a pattern to pom.xml)");
  }

  @Test
  void includePatternsAreReadAsGlobs() {
    List<Pattern> p = includes("<include>**/*Test.java</include><include>**/Test*.java</include>");
    assertTrue(p.get(0).matcher("StoreTest").matches());
    assertFalse(p.get(0).matcher("StoreProperties").matches());
    assertTrue(p.get(1).matcher("TestStore").matches());
  }

  /** The file-name globs of the pom's {@code <include>**}{@code /Glob.java</include>} lines, as regexes. */
  private static List<Pattern> includes(String pom) {
    List<Pattern> out = new ArrayList<>();
    Matcher m = INCLUDE.matcher(pom);
    while (m.find()) {
      out.add(Pattern.compile(m.group(1).replace("*", "[A-Za-z0-9_$]*")));
    }
    return out;
  }
}
