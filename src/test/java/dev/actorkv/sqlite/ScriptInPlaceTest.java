package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A script is prepared in place, never copied (issue 16: {@code keyspace sql} was quadratic in the
 * number of statements, 400 000 {@code SELECT 1;} took 32 s, because prepare_v2 was given a length
 * without the terminating NUL and SQLite copied the rest of the script before each statement). SQLite's
 * own record of its largest allocation ({@code SQLITE_STATUS_MALLOC_SIZE}) shows whether it copied: a
 * copy of the script's tail is an allocation as large as the script.
 */
class ScriptInPlaceTest {
  private static final int SQLITE_STATUS_MALLOC_SIZE = 5;
  private static final MethodHandle STATUS64 = Linker.nativeLinker().downcallHandle(
      SqliteLibrary.lookup().find("sqlite3_status64").orElseThrow(),
      FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));

  @TempDir Path dir;

  /** The largest allocation SQLite made since the last call (which resets the record). */
  private static long largestAllocationSinceLast() throws Throwable {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment current = a.allocate(JAVA_LONG);
      MemorySegment highwater = a.allocate(JAVA_LONG);
      int rc = (int) STATUS64.invokeExact(SQLITE_STATUS_MALLOC_SIZE, current, highwater, 1);
      assertEquals(SqliteCodes.OK, rc);
      return highwater.get(JAVA_LONG, 0);
    }
  }

  @Test
  void aLongScriptIsNeverCopied() throws Throwable {
    int statements = 200_000;
    String script = "SELECT 1;".repeat(statements); // 1.8 MB
    try (ActorStore store = ActorStore.open(dir); SqliteDatabase db = SqliteDatabase.open(store.actor("a"))) {
      db.executeScript("CREATE TABLE t (x)");
      // The record works: a 2 MB blob is an allocation of at least 2 MB.
      largestAllocationSinceLast();
      db.executeScript("SELECT length(randomblob(2000000))");
      assertTrue(largestAllocationSinceLast() >= 2_000_000, "SQLite records its largest allocation");

      long[] rows = {0};
      db.executeScript(script, row -> rows[0]++);
      assertEquals(statements, rows[0]);
      long largest = largestAllocationSinceLast();
      assertTrue(largest < script.length() / 4, "SQLite allocated " + largest + " bytes at once for a script of " + script.length());

      rows[0] = 0;
      try (SqlScript s = SqlScript.of(db, script.getBytes(StandardCharsets.UTF_8))) {
        for (int at = 0; at < s.length(); at = s.tail()) {
          if (s.prepare(at)) {
            while (s.step()) {
              rows[0]++;
            }
            s.finish();
          }
        }
      }
      assertEquals(statements, rows[0]);
      largest = largestAllocationSinceLast();
      assertTrue(largest < script.length() / 4, "SqlScript: SQLite allocated " + largest + " bytes at once for a script of "
          + script.length());
    }
  }
}
