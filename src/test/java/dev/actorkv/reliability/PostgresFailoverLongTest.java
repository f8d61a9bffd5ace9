package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOwnedException;
import dev.actorkv.store.ActorOwner;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.LeaseOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.testing.ReplicatedPostgres;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The failover campaign (Maven profile {@code reliability}): a primary and a synchronous standby, nodes
 * (stores with their own pools, in this JVM) connected through a multi-host URI with
 * {@code targetServerType=primary}, moving actors between them (take, write a few commits, release) while
 * the primary is SIGKILLed, the standby promoted and the old primary rebuilt as the new standby, again
 * and again; now and then an owner "pauses" (its lease is made to run out by SQL) and another node takes
 * its actor. Every commit writes a log key naming its epoch and node. Asserted: no acknowledged write
 * lost, epochs never go back, no epoch with commits from two nodes. Then the same campaign on
 * asynchronous replication, a negative control whose losses are reported, not asserted. Sizes:
 * {@code reliability.failover.cycles} (default 100), {@code reliability.failover.async.cycles} (default 20).
 * Figures go to {@code target/failover.md} and standard output.
 */
@Tag("long")
@Tag("reliability")
class PostgresFailoverLongTest {
  private static final int NODES = 3;
  private static final int ACTORS = 6;

  record Outcome(int cycles, long acked, long lost, long doubleOwnerEpochs, long epochRegressions, long fenced,
      long failedCommits, List<Long> promoteMillis, List<Long> resumeMillis) {}

  @Test
  void failoverCampaign() throws Exception {
    int cycles = Integer.getInteger("reliability.failover.cycles", 100);
    int asyncCycles = Integer.getInteger("reliability.failover.async.cycles", 20);
    Outcome sync = campaign(true, cycles);
    Outcome async = campaign(false, asyncCycles);
    String section = ReliabilityReport.FAILOVER_HEADING + "\n\nWritten by `PostgresFailoverLongTest` (" + java.time.Instant.now()
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", " + Runtime.getRuntime().availableProcessors()
        + " cores): a primary and a standby on loopback, " + NODES + " nodes (stores with their own pools) on a multi-host URI"
        + " with `targetServerType=primary`, moving " + ACTORS + " actors between them (take, 5 commits, release), leases of"
        + " 2 s; before a third of the failovers an owner's lease is made to run out (a pause). Each failover SIGKILLs the"
        + " primary's postmaster, promotes the standby (`pg_ctl promote`) and rebuilds the old primary as the new standby"
        + " (`pg_basebackup -R`). Every commit writes a key naming its epoch and node.\n\nReproduce: `mvn -B -Preliability test"
        + " -Dtest=PostgresFailoverLongTest -Dreliability.failover.cycles=" + cycles + " -Dreliability.failover.async.cycles="
        + asyncCycles + "`\n\n" + row("Synchronous standby (asserted)", sync)
        + row("Asynchronous standby (negative control, reported only)", async);
    System.out.println(section);
    Path reportFile = Path.of(System.getProperty("reliability.report", "target/RELIABILITY.md"));
    String old = Files.exists(reportFile) ? Files.readString(reportFile) : "# Reliability report\n\n";
    int at = old.indexOf(ReliabilityReport.FAILOVER_HEADING);
    String base = at < 0 ? old : old.substring(0, at);
    if (reportFile.getParent() != null) {
      Files.createDirectories(reportFile.getParent());
    }
    Files.writeString(reportFile, base + (base.endsWith("\n\n") ? "" : base.endsWith("\n") ? "\n" : "\n\n") + section);
    assertEquals(0, sync.lost(), "acknowledged writes lost with a synchronous standby");
    assertEquals(0, sync.doubleOwnerEpochs(), "epochs with commits from two nodes");
    assertEquals(0, sync.epochRegressions(), "epochs that went back");
  }

  private static String row(String name, Outcome o) {
    List<Long> p = new ArrayList<>(o.promoteMillis());
    List<Long> r = new ArrayList<>(o.resumeMillis());
    p.sort(null);
    r.sort(null);
    return "### " + name + "\n\n| figure | value |\n|---|---|\n"
        + "| failovers (SIGKILL primary, promote standby, rebuild) | " + o.cycles() + " |\n"
        + "| acknowledged commits | " + o.acked() + " |\n"
        + "| acknowledged commits lost | " + o.lost() + " |\n"
        + "| epochs with commits from two nodes | " + o.doubleOwnerEpochs() + " |\n"
        + "| epochs that went back | " + o.epochRegressions() + " |\n"
        + "| writes refused as fenced (simulated pauses) | " + o.fenced() + " |\n"
        + "| commits failed (not acknowledged) during failovers | " + o.failedCommits() + " |\n"
        + "| kill to promoted, median / max ms | " + pct(p, 50) + " / " + pct(p, 100) + " |\n"
        + "| kill to the next acknowledged commit, median / max ms | " + pct(r, 50) + " / " + pct(r, 100) + " |\n\n";
  }

  private static long pct(List<Long> sorted, int p) {
    return sorted.isEmpty() ? -1 : sorted.get(Math.min(sorted.size() - 1, sorted.size() * p / 100));
  }

  private static byte[] key(String s) {
    return ("\u0004" + s).getBytes(StandardCharsets.UTF_8);
  }

  private Outcome campaign(boolean synchronous, int cycles) throws Exception {
    try (ReplicatedPostgres pg = ReplicatedPostgres.start(synchronous)) {
      List<ActorStore> stores = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        stores.add(PostgresEngine.openStore(pg.uri(), StoreOptions.defaults(), new LeaseOptions("node-" + i, Duration.ofSeconds(2))));
      }
      Set<String> acked = ConcurrentHashMap.newKeySet();
      AtomicLong fenced = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      AtomicLong lastAck = new AtomicLong(System.nanoTime());
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> workers = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        int node = i;
        workers.add(Thread.ofPlatform().start(() -> work(node, stores.get(node), acked, fenced, failed, lastAck, stop)));
      }
      Random random = new Random(20261204L + (synchronous ? 0 : 1));
      Map<String, Long> maxEpoch = new HashMap<>();
      long regressions = 0;
      List<Long> promote = new ArrayList<>();
      List<Long> resume = new ArrayList<>();
      try {
        for (int c = 0; c < cycles; c++) {
          Thread.sleep(300 + random.nextInt(500));
          if (random.nextInt(3) == 0) { // an owner pauses past its lease: another node may take its actor
            pause(pg, "actor-" + random.nextInt(ACTORS));
          }
          long before = acked.size();
          long t0 = System.nanoTime();
          promote.add(pg.failover());
          long deadline = System.nanoTime() + 60_000_000_000L;
          while (acked.size() == before || lastAck.get() < t0) {
            if (System.nanoTime() > deadline) {
              throw new AssertionError("no commit was acknowledged within 60 s of failover " + c);
            }
            Thread.sleep(5);
          }
          resume.add((lastAck.get() - t0) / 1_000_000);
          for (ActorOwner o : stores.get(0).owners(null)) {
            long prev = maxEpoch.getOrDefault(o.actorId(), 0L);
            if (o.epoch() < prev) {
              regressions++;
            }
            maxEpoch.put(o.actorId(), Math.max(prev, o.epoch()));
          }
          System.out.println((synchronous ? "sync" : "async") + " failover " + (c + 1) + "/" + cycles + ": "
              + acked.size() + " acknowledged");
        }
      } finally {
        stop.set(true);
        for (Thread t : workers) {
          t.join(60_000);
        }
      }
      // Verify through one more node, once every lease ran out.
      long lost = 0;
      long doubles = 0;
      try (ActorStore checker = PostgresEngine.openStore(pg.uri(), StoreOptions.defaults().withReadOnly(true))) {
        Set<String> present = new HashSet<>();
        for (int a = 0; a < ACTORS; a++) {
          String actor = "actor-" + a;
          Map<Long, Set<String>> nodesByEpoch = new HashMap<>();
          for (KeyValue kv : checker.actor(actor).scan(KeyRange.all(), Integer.MAX_VALUE)) {
            String k = new String(kv.key(), StandardCharsets.UTF_8).substring(1);
            present.add(actor + " " + k);
            String[] parts = k.split("/"); // log/<epoch>/<node>/<n>
            nodesByEpoch.computeIfAbsent(Long.parseLong(parts[1]), e -> new HashSet<>()).add(parts[2]);
          }
          doubles += nodesByEpoch.values().stream().filter(s -> s.size() > 1).count();
        }
        for (String k : acked) {
          if (!present.contains(k)) {
            lost++;
          }
        }
      }
      stores.forEach(ActorStore::close);
      return new Outcome(cycles, acked.size(), lost, doubles, regressions, fenced.get(), failed.get(), promote, resume);
    }
  }

  /** What a paused owner's lease looks like after its time: run out, by the database's clock. */
  private static void pause(ReplicatedPostgres pg, String actor) {
    for (int i = 0; i < 2; i++) {
      try (Connection c = DriverManager.getConnection(pg.jdbc(i, "campaign") + "?user=actorkv&targetServerType=primary");
          Statement s = c.createStatement()) {
        s.execute("UPDATE actorkv.actors SET lease_expires = now() - interval '1 second' WHERE actor_id = '\\x"
            + java.util.HexFormat.of().formatHex(actor.getBytes(StandardCharsets.UTF_8)) + "' AND lease_expires IS NOT NULL");
        return;
      } catch (Exception e) {
        // the standby (or a server in the middle of a failover): try the other
      }
    }
  }

  /**
   * A node: takes actors it finds free, commits a few log keys to each, releases it, moves on. A commit
   * is acknowledged when commit returns; a fenced handle is dropped.
   */
  private static void work(int node, ActorStore store, Set<String> acked, AtomicLong fenced, AtomicLong failed,
      AtomicLong lastAck, AtomicBoolean stop) {
    Random random = new Random(node);
    long n = 0;
    while (!stop.get()) {
      String actor = "actor-" + random.nextInt(ACTORS);
      ActorKeyspace a;
      long epoch;
      try {
        a = store.actor(actor);
        epoch = store.owners(actor).getFirst().epoch();
      } catch (ActorOwnedException e) {
        continue;
      } catch (StoreException e) {
        sleep(50);
        continue;
      }
      try {
        for (int i = 0; i < 5 && !stop.get(); i++) {
          String k = "log/" + epoch + "/node-" + node + "/" + (++n);
          try {
            a.commit(a.batch().put(key(k), ByteBuffer.allocate(8).putLong(n).array()));
            acked.add(actor + " " + k);
            lastAck.set(System.nanoTime());
          } catch (ActorFencedException e) {
            fenced.incrementAndGet();
            break;
          } catch (StoreException e) {
            failed.incrementAndGet(); // not acknowledged; may or may not have landed
            sleep(50);
          }
        }
      } finally {
        a.close();
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
