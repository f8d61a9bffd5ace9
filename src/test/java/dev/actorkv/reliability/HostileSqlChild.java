package dev.actorkv.reliability;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteException;
import dev.actorkv.sqlite.SqliteInternals;
import dev.actorkv.store.ActorStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Child JVM of {@link HostileSqlCampaign}: runs hostile scripts on one actor's database each while
 * another actor's database ("victim") is open in the same store, and after each checks what the script
 * may not have changed. Arguments: store (a directory or a {@code postgresql://} URI), outside directory, {@code vectors} or
 * {@code random SEED}, first index, end index (exclusive). Its working directory is a sandbox the parent
 * watches too (relative file names land there).
 *
 * <p>Prints {@code BEGIN i} before input i and {@code END i OK|REFUSED|VIOLATION detail} after it (tabs
 * separate fields), so the parent can tell which input a crash interrupted.
 */
public final class HostileSqlChild {
  private HostileSqlChild() {}

  static final String VICTIM = "victim";
  private static final int VICTIM_ROWS = 50;

  public static void main(String[] args) throws Exception {
    String storeLocation = args[0];
    Path outside = Path.of(args[1]);
    boolean vectors = args[2].equals("vectors");
    long seed = vectors ? 0 : Long.parseLong(args[3]);
    int argAt = vectors ? 3 : 4;
    long from = Long.parseLong(args[argAt]);
    long to = Long.parseLong(args[argAt + 1]);
    PrintStream out = System.out;
    Path sandbox = Path.of("").toAbsolutePath();
    try (ActorStore store = HostileSql.openStore(storeLocation)) {
      SqliteDatabase victim = openVictim(store);
      for (long i = from; i < to; i++) {
        // Judged against the state before this input, so each input answers for itself.
        Set<String> outsideBefore = listing(outside);
        Set<String> sandboxBefore = listing(sandbox);
        String victimBefore = victimState(victim);
        String limitsBefore = heapLimits(victim);
        out.println("BEGIN\t" + i);
        out.flush();
        String script = vectors ? HostileSql.VECTORS.get((int) i).script() : HostileSql.randomScript(seed, i);
        String attacker = "attacker-" + (vectors ? "v" : "r" + seed + "-") + i;
        String outcome;
        String detail;
        SqliteDatabase db = SqliteDatabase.open(store.actor(attacker));
        try {
          db.executeScript("CREATE TABLE IF NOT EXISTS canary (id INTEGER PRIMARY KEY, v); INSERT OR REPLACE INTO canary VALUES (1, 'alive')");
          String sql = script.replace("${outside}", outside.toString())
              .replace("${victimVfs}", SqliteInternals.vfsName(victim))
              .replace("${selfVfs}", SqliteInternals.vfsName(db));
          long[] rows = {0};
          db.executeScript(sql, row -> rows[0]++);
          outcome = "OK";
          detail = rows[0] + " rows";
        } catch (SqliteException e) {
          outcome = "REFUSED";
          detail = e.getMessage();
        } catch (Throwable t) {
          outcome = "VIOLATION";
          detail = "untyped failure " + t;
        } finally {
          try {
            db.close();
          } catch (RuntimeException e) {
            outcome = "VIOLATION";
            detail = "close failed: " + e;
          }
        }
        String broken = afterwards(store, attacker, victim, victimBefore, limitsBefore, outside, outsideBefore, sandbox, sandboxBefore);
        // A fresh handle on the victim too: a second pager may have written behind the open one's cache.
        victim.close();
        victim = SqliteDatabase.open(store.actor(VICTIM));
        if (broken == null) {
          String state = victimState(victim);
          broken = state.equals(victimBefore) ? null : "the victim's database, reopened, changed: " + state + " (was " + victimBefore + ")";
        }
        if (broken != null) {
          outcome = "VIOLATION";
          detail = broken + " (script outcome: " + detail + ")";
        }
        out.println("END\t" + i + "\t" + outcome + "\t" + oneLine(detail));
        out.flush();
      }
      victim.close();
    }
  }

  /** Opens the victim's database, creating its table {@code secret} of known rows on first use. */
  private static SqliteDatabase openVictim(ActorStore store) {
    SqliteDatabase victim = SqliteDatabase.open(store.actor(VICTIM));
    victim.executeScript("CREATE TABLE IF NOT EXISTS secret (id INTEGER PRIMARY KEY, v TEXT)");
    if (victim.query("SELECT count(*) FROM secret").single().getLong(0) == 0) {
      victim.inTransaction(d -> {
        for (int i = 0; i < VICTIM_ROWS; i++) {
          d.execute("INSERT INTO secret VALUES (?, ?)", i, "secret-" + i);
        }
        return null;
      });
    }
    return victim;
  }

  /**
   * What must hold after any script, or a description of what broke: the attacker's database reopens
   * and is sound, the victim's data is untouched, no file appeared outside the store, and the
   * process-wide heap limits are unset.
   */
  private static String afterwards(ActorStore store, String attacker, SqliteDatabase victim, String victimBefore,
      String limitsBefore, Path outside, Set<String> outsideBefore, Path sandbox, Set<String> sandboxBefore) {
    try {
      try (SqliteDatabase db = SqliteDatabase.open(store.actor(attacker))) {
        List<String> check = db.integrityCheck();
        if (!check.equals(List.of("ok"))) {
          return "attacker's integrity_check: " + check;
        }
        if (db.query("SELECT count(*) FROM canary WHERE id = 1").single().getLong(0) != 1) {
          return "attacker's canary row is gone";
        }
      } catch (RuntimeException e) {
        return "attacker's database no longer opens or reads: " + e;
      }
      String limits = heapLimits(victim);
      if (!limits.equals(limitsBefore)) {
        return "process-wide heap limits changed: " + limits + " (were " + limitsBefore + ")";
      }
      String victimState = victimState(victim);
      if (!victimState.equals(victimBefore)) {
        return "the victim's database changed: " + victimState + " (was " + victimBefore + ")";
      }
      Set<String> outsideNow = listing(outside);
      if (!outsideNow.equals(outsideBefore)) {
        return "files appeared outside the store: " + difference(outsideNow, outsideBefore);
      }
      Set<String> sandboxNow = listing(sandbox);
      if (!sandboxNow.equals(sandboxBefore)) {
        return "files appeared in the working directory: " + difference(sandboxNow, sandboxBefore);
      }
      return null;
    } catch (IOException e) {
      return "cannot list a directory: " + e;
    }
  }

  /** The victim's integrity and content, as a comparable string ("ok, 50 rows, sum 1225" when untouched). */
  private static String victimState(SqliteDatabase victim) {
    try {
      List<String> check = victim.integrityCheck();
      long n = victim.query("SELECT count(*) FROM secret").single().getLong(0);
      long sum = victim.query("SELECT coalesce(sum(id), 0) FROM secret WHERE v = 'secret-' || id").single().getLong(0);
      return String.join(" ", check) + ", " + n + " rows, sum " + sum;
    } catch (RuntimeException e) {
      return "fails: " + e;
    }
  }

  /** SQLite's process-wide heap limits as seen from {@code db}. */
  private static String heapLimits(SqliteDatabase db) {
    try {
      return "soft " + db.query("PRAGMA soft_heap_limit").single().getLong(0)
          + ", hard " + db.query("PRAGMA hard_heap_limit").single().getLong(0);
    } catch (RuntimeException e) {
      return "unreadable: " + e;
    }
  }

  private static Set<String> difference(Set<String> now, Set<String> before) {
    Set<String> d = new TreeSet<>(now);
    d.removeAll(before);
    return d;
  }

  static Set<String> listing(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return new TreeSet<>(s.map(p -> dir.relativize(p).toString()).toList());
    }
  }

  private static String oneLine(String s) {
    String t = String.valueOf(s).replace('\n', ' ').replace('\t', ' ');
    return t.length() > 500 ? t.substring(0, 500) + "..." : t;
  }
}
