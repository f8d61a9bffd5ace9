package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store commands on a {@code postgresql://} URI print exactly what they print on a directory holding
 * the same data: demo, dump, export, import, check, migrate, sql.
 */
class PostgresCommandsTest {
  @TempDir Path tmp;
  StoreFixture rocks;
  StoreFixture.Postgres postgres;

  @BeforeEach
  void open() {
    rocks = StoreFixture.rocksDb();
    postgres = (StoreFixture.Postgres) StoreFixture.postgres("cli");
  }

  @AfterEach
  void close() {
    rocks.close();
    postgres.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The same actors in both stores: ids that prefix each other, every kind of key, legacy keys. */
  void populate(StoreFixture fixture) {
    try (ActorStore store = fixture.open()) {
      for (String id : List.of("a", "a\0", "ab", "")) {
        ActorKeyspace a = store.actor(id);
        a.commit(a.batch()
            .put(ActorKeys.persistedData(), b("state of " + id))
            .put(ActorKeys.connection("c1"), b("conn"))
            .put(ActorKeys.userKv(b("k\0\u00ff")), new byte[] {0, (byte) 0xff, 1})
            .put(QueueKeys.metadata(), new byte[] {8, 1})
            .put(QueueKeys.message(1), b("m1"))
            .put(SqliteKeys.chunk(SqliteFile.MAIN, 0), new byte[4096])
            .put(LegacyKeys.queueMessage(7), b("old " + id)));
      }
    }
  }

  private void assertSameOnBoth(String... args) {
    String[] onRocks = args.clone();
    String[] onPostgres = args.clone();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("DB")) {
        onRocks[i] = rocks.location();
        onPostgres[i] = postgres.location();
      }
    }
    CliRun r = run(onRocks);
    CliRun p = run(onPostgres);
    assertEquals(r.exit(), p.exit(), String.join(" ", args) + ": " + p.err());
    assertEquals(r.out(), p.out(), String.join(" ", args));
  }

  @Test
  void readingCommandsPrintTheSameOnBothEngines() {
    populate(rocks);
    populate(postgres);
    assertSameOnBoth("dump", "DB");
    assertSameOnBoth("dump", "DB", "--json");
    assertSameOnBoth("dump", "DB", "--actor", "a\0", "--values");
    assertSameOnBoth("export", "DB", "--actor", "ab");
    assertSameOnBoth("export", "DB", "--actor", "nobody");
    assertSameOnBoth("check", "DB");
    assertSameOnBoth("check", "DB", "--actor", "a");
  }

  @Test
  void demoImportMigrateAndSqlWorkOnAUri() throws Exception {
    assertSameOnBoth("demo", "DB");
    assertSameOnBoth("demo", "DB");
    assertSameOnBoth("check", "DB");
    assertSameOnBoth("dump", "DB"); // the tree (--json would name the workflow's random entry ids)

    populate(rocks);
    Path file = tmp.resolve("ab.jsonl");
    assertEquals(0, run("export", rocks.location(), "--actor", "ab", "--out", file.toString()).exit());
    CliRun imp = run("import", postgres.location(), "--actor", "ab", "--in", file.toString());
    assertEquals(0, imp.exit(), imp.err());
    assertEquals(Files.readString(file), run("export", postgres.location(), "--actor", "ab").out());
    populate(postgres); // the other actors too (ab's keys are written again unchanged)

    assertSameOnBoth("migrate", "DB", "--dry-run");
    assertSameOnBoth("migrate", "DB");
    assertSameOnBoth("export", "DB", "--actor", "ab");
    assertSameOnBoth("check", "DB");

    assertSameOnBoth("sql", "DB", "--actor", "s", "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2); SELECT sum(x) FROM t;");
    assertSameOnBoth("sql", "DB", "--actor", "s", "SELECT * FROM t;");
    assertSameOnBoth("dump", "DB", "--actor", "s");
  }

  @Test
  void aDatabaseWithoutAStoreIsBadInputAndReadingCreatesNothing() {
    postgres.destroy();
    for (String cmd : List.of("dump", "check", "export")) {
      CliRun r = cmd.equals("export") ? run(cmd, postgres.location(), "--actor", "a") : run(cmd, postgres.location());
      assertEquals(2, r.exit(), cmd + ": " + r.err());
      assertTrue(r.err().contains("no store at postgresql://"), r.err());
    }
    // Still no schema: the reading commands created nothing.
    CliRun again = run("dump", postgres.location());
    assertEquals(2, again.exit());
    assertTrue(again.err().contains("no store at"), again.err());
  }

  @Test
  void badUrisAndUnreachableServersAreReportedWithoutAStackTrace() throws Exception {
    CliRun bad = run("dump", "postgresql://u:secret@host:99999/db");
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("bad port"), bad.err());
    assertFalse(bad.err().contains("secret"), "the password is not echoed: " + bad.err());
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    CliRun down = run("dump", "postgresql://u:secret@127.0.0.1:" + closedPort + "/db?connectTimeout=2");
    assertEquals(1, down.exit(), down.err());
    assertTrue(down.err().contains("cannot connect to postgresql://u@127.0.0.1:" + closedPort + "/db"), down.err());
    assertFalse(down.err().contains("secret"), down.err());
    assertFalse(down.err().contains("Exception"), down.err());
    assertFalse(down.err().contains("\tat "), down.err());
  }
}
