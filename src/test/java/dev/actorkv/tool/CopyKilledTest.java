package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code keyspace copy} killed with SIGKILL in the middle of a run (a real child process): every actor in
 * DST is then either absent or complete and identical to SRC, never copied halfway; running the copy
 * again completes it, and both sides export the same bytes.
 */
class CopyKilledTest {
  static final int ACTORS = 4;
  /** Keys of every actor but the first, which has 10: large enough that the kill lands inside one. */
  static final int KEYS = 20_000;

  static String id(int a) {
    return "actor-" + a;
  }

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "postgres"})
  void aKilledCopyLeavesNoActorHalfCopiedAndARerunCompletesIt(String engine) throws Exception {
    try (StoreFixture src = StoreFixture.rocksDb();
        StoreFixture dst = engine.equals("postgres") ? StoreFixture.postgres("killed") : StoreFixture.rocksDb()) {
      Random random = new Random(5);
      try (ActorStore store = src.open()) {
        for (int a = 0; a < ACTORS; a++) {
          ActorKeyspace actor = store.actor(id(a));
          ActorBatch batch = actor.batch();
          for (int k = 0; k < (a == 0 ? 10 : KEYS); k++) {
            byte[] v = new byte[1 + random.nextInt(200)];
            random.nextBytes(v);
            batch.put(String.format("\u0004k%05d", k).getBytes(StandardCharsets.UTF_8), v);
          }
          actor.commit(batch);
        }
      }

      List<String> cmd = CliProcess.command(List.of());
      // A short lease: on PostgreSQL the killed copy still owns what it wrote until its lease runs out.
      cmd.addAll(List.of("copy", src.location(), dst.location(), "--lease-ttl", "1s"));
      Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      int reported = 0;
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
        // Kill it while it writes the second actor: the first is reported done, the others are not.
        if (lines.readLine() != null) {
          reported++;
        }
        Thread.sleep(200);
        assertTrue(child.isAlive(), "the copy is still running when killed");
        child.destroyForcibly();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits once killed");
      }
      assertEquals(1, reported, "the copy was killed mid-run");

      int complete = 0;
      for (int a = 0; a < ACTORS; a++) {
        String there = run("export", dst.location(), "--actor", id(a)).out();
        if (there.isEmpty()) {
          continue;
        }
        assertEquals(run("export", src.location(), "--actor", id(a)).out(), there,
            id(a) + " is in DST, so it is complete");
        complete++;
      }
      assertTrue(complete >= 1 && complete < ACTORS, complete + " actors complete: the kill landed mid-run");

      Thread.sleep(1_500); // the killed process's leases run out (exit 3 naming it before that)
      CliRun rest = run("copy", src.location(), dst.location());
      assertEquals(0, rest.exit(), rest.err());
      List<String> statuses = new ArrayList<>();
      for (String line : rest.lines()) {
        statuses.add(Json.MAPPER.readTree(line).get("status").asText());
      }
      assertEquals(complete, statuses.stream().filter("identical"::equals).count());
      assertEquals(ACTORS - complete, statuses.stream().filter("copied"::equals).count());
      assertEquals(run("dump", src.location(), "--json").out(), run("dump", dst.location(), "--json").out());
      for (int a = 0; a < ACTORS; a++) {
        assertEquals(run("export", src.location(), "--actor", id(a)).out(),
            run("export", dst.location(), "--actor", id(a)).out());
      }
    }
  }
}
