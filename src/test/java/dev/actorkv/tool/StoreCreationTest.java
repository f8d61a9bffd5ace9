package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which commands create a store (those that write: demo, import, sql, migrate) and where (a missing or
 * empty directory only); the commands that only read create nothing; export of an actor with no keys.
 */
class StoreCreationTest {
  @TempDir Path tmp;

  private static List<String> entries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private Path exportOfTheDemo() throws IOException {
    Path demo = tmp.resolve("demo");
    assertEquals(0, run("demo", demo.toString()).exit());
    Path file = tmp.resolve("demo.jsonl");
    CliRun exp = run("export", demo.toString(), "--actor", DemoCommand.ACTOR, "--out", file.toString());
    assertEquals(0, exp.exit(), exp.err());
    return file;
  }

  @Test
  void importAndSqlCreateTheStoreInAMissingOrEmptyDirectory() throws IOException {
    Path export = exportOfTheDemo();
    Path fresh = tmp.resolve("fresh");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    for (Path db : List.of(fresh, empty)) {
      CliRun imp = run("import", db.toString(), "--actor", "restored", "--in", export.toString());
      assertEquals(0, imp.exit(), imp.err());
      CliRun again = run("export", db.toString(), "--actor", "restored");
      assertEquals(Files.readString(export), again.out(), "the restored actor is the exported one");
    }
    Path sqlDb = tmp.resolve("sql-new");
    CliRun sql = run("sql", sqlDb.toString(), "--actor", "a", "CREATE TABLE t(x); INSERT INTO t VALUES (42); SELECT x FROM t");
    assertEquals(0, sql.exit(), sql.err());
    assertEquals(List.of("42"), sql.lines());
    Path sqlEmpty = Files.createDirectory(tmp.resolve("sql-empty"));
    assertEquals(0, run("sql", sqlEmpty.toString(), "--actor", "a", "SELECT 1").exit());
    Path migrateDb = tmp.resolve("migrate-new");
    CliRun migrate = run("migrate", migrateDb.toString());
    assertEquals(0, migrate.exit(), migrate.err());
    assertTrue(Files.exists(migrateDb.resolve("CURRENT")), "migrate created the store");
  }

  @Test
  void aBadImportIntoANewDirectoryCreatesNothing() throws IOException {
    Path in = Files.writeString(tmp.resolve("bad.jsonl"), "{\"key\":\"01\",\"value\":\"zz\"}\n");
    Path fresh = tmp.resolve("fresh");
    assertEquals(2, run("import", fresh.toString(), "--actor", "a", "--in", in.toString()).exit());
    assertFalse(Files.exists(fresh), "validated before the store is created");
  }

  @Test
  void aDirectoryHoldingAnythingButAStoreIsRefusedByEveryCommand() throws IOException {
    Path export = exportOfTheDemo();
    Path foreign = Files.createDirectory(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("photo.jpg"), "not a store");
    Path damaged = Files.createDirectory(tmp.resolve("damaged"));
    Files.writeString(damaged.resolve("MANIFEST-000005"), "");
    Files.writeString(damaged.resolve("000004.sst"), "");
    for (Path dir : List.of(foreign, damaged)) {
      List<String> before = entries(dir);
      for (String[] args : List.of(
          new String[] {"demo", dir.toString()},
          new String[] {"import", dir.toString(), "--actor", "a", "--in", export.toString()},
          new String[] {"sql", dir.toString(), "--actor", "a", "SELECT 1"},
          new String[] {"migrate", dir.toString()},
          new String[] {"migrate", dir.toString(), "--dry-run"},
          new String[] {"dump", dir.toString()},
          new String[] {"check", dir.toString()},
          new String[] {"export", dir.toString(), "--actor", "a"})) {
        CliRun r = run(args);
        String what = String.join(" ", args);
        assertEquals(2, r.exit(), what + ": " + r.err());
        assertTrue(r.err().startsWith("keyspace: "), r.err());
        if (dir.equals(damaged)) {
          assertTrue(r.err().contains("no CURRENT file: the store is damaged"), what + ": " + r.err());
        } else {
          assertTrue(r.err().contains("holds other files"), what + ": " + r.err());
        }
        assertEquals(before, entries(dir), what + " wrote into " + dir);
      }
    }
  }

  @Test
  void commandsThatOnlyReadCreateNothing() throws IOException {
    Path missing = tmp.resolve("missing");
    Path empty = Files.createDirectory(tmp.resolve("empty"));
    for (Path dir : List.of(missing, empty)) {
      for (String[] args : List.of(
          new String[] {"dump", dir.toString()},
          new String[] {"dump", dir.toString(), "--json"},
          new String[] {"check", dir.toString()},
          new String[] {"export", dir.toString(), "--actor", "a"},
          new String[] {"migrate", dir.toString(), "--dry-run"})) {
        CliRun r = run(args);
        assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
        assertTrue(r.err().startsWith("keyspace: no store at " + dir + ": "), r.err());
      }
    }
    assertFalse(Files.exists(missing));
    assertEquals(List.of(), entries(empty));
  }

  @Test
  void exportOfAnActorWithNoKeysSaysSoAndExitsOne() throws IOException {
    Path db = tmp.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      store.actor("a").put(ActorKeys.persistedData(), new byte[] {1});
    }
    CliRun r = run("export", db.toString(), "--actor", "b");
    assertEquals(1, r.exit());
    assertEquals("", r.out());
    assertEquals("keyspace: actor \"b\" has no keys in " + db + "; nothing exported\n", r.err());
    Path out = Files.writeString(tmp.resolve("out.jsonl"), "earlier export\n");
    CliRun toFile = run("export", db.toString(), "--actor", "b", "--out", out.toString());
    assertEquals(1, toFile.exit());
    assertEquals("earlier export\n", Files.readString(out), "FILE is left as it was");
    assertEquals(List.of("db", "out.jsonl"), entries(tmp), "no temporary file left behind");
  }
}
