package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.testing.Signals;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership between real processes of the tool on one real PostgreSQL server: a {@code keyspace sql}
 * session holds its actor; another process's write of it exits 3 naming the owner while reads go on; a
 * session paused (SIGSTOP) past its lease is taken over, and once resumed (SIGCONT) its writes are all
 * refused, nothing of them lands and it exits 3.
 */
class PostgresOwnershipProcessTest {
  @TempDir Path tmp;
  private StoreFixture.Postgres fixture;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("ownership_cli");
  }

  @AfterEach
  void close() throws InterruptedException {
    for (Process p : started) {
      if (p.isAlive()) {
        Signals.resume(p);
        p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    fixture.close();
  }

  /** A {@code keyspace sql} session reading statements from a pipe. */
  private record Session(Process process, OutputStream in, Path out, Path err) {
    void send(String sql) throws IOException {
      in.write(sql.getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    /** Waits until the session printed {@code marker} on stdout. */
    void await(String marker) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline) {
        if (Files.readString(out).contains(marker)) {
          return;
        }
        if (!process.isAlive()) {
          throw new AssertionError("session exited " + process.exitValue() + ": " + Files.readString(err));
        }
        Thread.sleep(20);
      }
      throw new AssertionError("session never printed " + marker + "; stderr: " + Files.readString(err));
    }
  }

  private Session session(String actor, String... flags) throws IOException {
    List<String> cmd = CliProcess.command(List.of("-Xmx256m"));
    cmd.addAll(List.of("sql", fixture.uri(), "--actor", actor));
    cmd.addAll(List.of(flags));
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    started.add(p);
    return new Session(p, p.getOutputStream(), out, err);
  }

  private CliProcess.Result run(Path stdout, String... args) throws IOException, InterruptedException {
    Path stdin = Files.createTempFile(tmp, "in", ".txt");
    return CliProcess.run(stdin.toFile(), stdout.toFile(), args);
  }


  @Test
  void aWriterOfAnActorALiveProcessOwnsExitsThreeNamingItWhileReadersReadOn() throws Exception {
    Session a = session("held", "--node", "node-a");
    a.send("CREATE TABLE t(x);\nINSERT INTO t VALUES (1);\nSELECT 'ready';\n");
    a.await("ready");

    Path out = tmp.resolve("out.txt");
    CliProcess.Result refused = run(out, "sql", fixture.uri(), "--actor", "held", "--node", "node-b", "INSERT INTO t VALUES (2)");
    assertEquals(Errors.OWNERSHIP, refused.exitCode(), refused.err());
    assertTrue(refused.err().contains("owned by node-a"), refused.err());
    assertTrue(!refused.err().contains("Exception"), refused.err());

    CliProcess.Result read = run(out, "sql", fixture.uri(), "--actor", "held", "--readonly", "SELECT x FROM t");
    assertEquals(0, read.exitCode(), read.err());
    assertEquals("1\n", Files.readString(out));

    CliProcess.Result owners = run(out, "owners", fixture.uri(), "--actor", "held");
    assertEquals(0, owners.exitCode(), owners.err());
    String line = Files.readString(out);
    assertTrue(line.matches("\\{\"actor\":\"held\",\"node\":\"node-a\",\"epoch\":1,"
        + "\"lease_expires\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\"}\n"), line);

    a.in().close(); // end of input: the session ends and releases the actor at once
    assertEquals(0, a.process().waitFor(60, TimeUnit.SECONDS) ? a.process().exitValue() : -1, Files.readString(a.err()));
    CliProcess.Result now = run(out, "sql", fixture.uri(), "--actor", "held", "--node", "node-b", "INSERT INTO t VALUES (2)");
    assertEquals(0, now.exitCode(), now.err());
    run(out, "owners", fixture.uri());
    assertTrue(Files.readString(out).contains("\"node\":\"node-b\",\"epoch\":2,\"lease_expires\":null"), Files.readString(out));
  }

  @Test
  void aPausedOwnerIsTakenOverAndOnceResumedWritesNothingAndExitsThree() throws Exception {
    Session zombie = session("z", "--node", "node-a", "--lease-ttl", "1s");
    zombie.send("CREATE TABLE t(x);\nINSERT INTO t VALUES (1);\nSELECT 'ready';\n");
    zombie.await("ready");
    Signals.pause(zombie.process());
    Thread.sleep(1500); // past its lease, by any clock

    // The new owner takes the actor and holds it without writing yet: only the epoch tells the zombie's
    // writes apart from its own (the commit sequence has not moved).
    Session owner = session("z", "--node", "node-b");
    owner.send("SELECT 'taken', count(*) FROM t;\n");
    owner.await("taken");

    Signals.resume(zombie.process());
    zombie.send("INSERT INTO t VALUES (3);\nINSERT INTO t VALUES (4);\nSELECT 'after';\n");
    zombie.in().close();
    assertTrue(zombie.process().waitFor(60, TimeUnit.SECONDS), "the resumed session ends");
    String err = Files.readString(zombie.err());
    assertEquals(Errors.OWNERSHIP, zombie.process().exitValue(), err);
    assertTrue(err.contains("taken over"), err);
    assertTrue(!Files.readString(zombie.out()).contains("after"), "nothing ran after the refusal");

    owner.send("INSERT INTO t VALUES (2);\nSELECT 'done';\n");
    owner.await("done");
    owner.in().close();
    assertTrue(owner.process().waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, owner.process().exitValue(), Files.readString(owner.err()));

    Path out = tmp.resolve("out.txt");
    CliProcess.Result read = run(out, "sql", fixture.uri(), "--actor", "z", "--readonly", "SELECT x FROM t ORDER BY x");
    assertEquals(0, read.exitCode(), read.err());
    assertEquals("1\n2\n", Files.readString(out), "the zombie's writes landed nowhere");
    CliProcess.Result check = run(out, "check", fixture.uri());
    assertEquals(0, check.exitCode(), Files.readString(out) + check.err());
  }
}
