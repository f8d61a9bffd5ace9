package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM inserts in transactions and is killed with SIGKILL at a random moment, several times.
 * After each kill the database must pass integrity_check and hold exactly the transactions whose COMMIT
 * returned, plus at most the one in flight, each complete.
 */
class SqliteCrashTest {
  private static final int ROWS_PER_TX = 40;

  @TempDir
  Path dir;

  @Test
  void sigkillAtAnyMomentLeavesExactlyTheCommittedTransactions() throws Exception {
    Random random = new Random(7);
    long acknowledged = 0;
    // 1024-byte pages: four per chunk, so every commit does read-modify-write of partial chunks.
    for (int round = 0; round < 3; round++) {
      Path out = dir.resolve("child" + round + ".out");
      try (ChildJvm child = ChildJvm.start(SqliteCrashChild.class, out, dir.resolve("store").toString(),
          Integer.toString(ROWS_PER_TX), "1024")) {
        long target = acknowledged + 5 + random.nextInt(30);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (lastAcknowledged(out) < target) {
          assertTrue(child.process().isAlive(), () -> "child died: " + read(Path.of(out + ".err")));
          assertTrue(System.nanoTime() < deadline, "child made no progress");
          Thread.sleep(random.nextInt(20));
        }
        child.kill9();
      }
      acknowledged = Math.max(acknowledged, lastAcknowledged(out));
      acknowledged = verify(acknowledged);
    }
  }

  /** Checks the store after a kill; returns the last transaction present (the next round continues it). */
  private long verify(long acknowledged) {
    try (ActorStore store = ActorStore.open(dir.resolve("store"));
        SqliteDatabase db = SqliteDatabase.open(store.actor("crash"))) {
      assertEquals(List.of("ok"), db.integrityCheck());
      assertEquals(1024, db.query("PRAGMA page_size").single().getLong(0));
      Map<Long, List<Long>> rows = new TreeMap<>();
      for (Row r : db.query("SELECT tx, n FROM t ORDER BY tx, n").rows()) {
        rows.computeIfAbsent(r.getLong(0), k -> new ArrayList<>()).add(r.getLong(1));
      }
      long last = rows.isEmpty() ? 0 : ((TreeMap<Long, List<Long>>) rows).lastKey();
      assertTrue(last >= acknowledged, "acknowledged transaction " + acknowledged + " is missing (last is " + last + ")");
      assertTrue(last <= acknowledged + 1, "transaction " + last + " present but only " + acknowledged + " acknowledged");
      for (long tx = 1; tx <= last; tx++) {
        boolean thinned = (tx + 3) % 7 == 0 && tx + 3 <= last;
        List<Long> expected = new ArrayList<>();
        for (long n = 0; n < ROWS_PER_TX; n++) {
          if (!thinned || n % 2 == 0) {
            expected.add(n);
          }
        }
        assertEquals(expected, rows.getOrDefault(tx, List.of()), "rows of transaction " + tx);
      }
      assertEquals(last, rows.size());
      return last;
    }
  }

  private static long lastAcknowledged(Path out) throws Exception {
    if (!Files.exists(out)) {
      return 0;
    }
    String text = Files.readString(out);
    int end = text.lastIndexOf('\n');
    if (end < 0) {
      return 0;
    }
    int start = text.lastIndexOf('\n', end - 1) + 1;
    return Long.parseLong(text.substring(start, end).trim());
  }

  private static String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (Exception e) {
      return e.toString();
    }
  }
}
