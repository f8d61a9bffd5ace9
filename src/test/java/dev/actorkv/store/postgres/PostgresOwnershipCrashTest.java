package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.ChildJvm;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ownership and commits across real process deaths and a real server crash: node JVMs racing to take an
 * expired actor (exactly one wins), a node killed with SIGKILL in the middle of its commits (every batch
 * all or nothing, the storage count equal to a scan, the next owner takes over once the lease ran out),
 * and the PostgreSQL server stopped with {@code pg_ctl stop -m immediate} and restarted under load (no
 * acknowledged write lost; the store's pool reconnects by itself).
 */
class PostgresOwnershipCrashTest {
  @TempDir Path tmp;
  private StoreFixture.Postgres fixture;
  private final List<ChildJvm> children = new ArrayList<>();

  @BeforeEach
  void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("ownership_crash");
    // Acknowledged means durable: this database's commits wait for their WAL flush.
    fixture.execute("ALTER DATABASE " + database() + " SET synchronous_commit = on");
  }

  private String database() {
    return fixture.uri().substring(fixture.uri().lastIndexOf('/') + 1);
  }

  @AfterEach
  void close() throws InterruptedException {
    for (ChildJvm c : children) {
      c.kill9();
    }
    fixture.execute("ALTER DATABASE " + database() + " RESET synchronous_commit"); // the next user's default
    fixture.close();
  }

  private ChildJvm child(Path out, String... args) throws IOException {
    ChildJvm c = ChildJvm.start(List.of("-Xmx128m"), OwnershipChild.class, null, out, args);
    children.add(c);
    return c;
  }

  private static List<String> lines(Path out) throws IOException {
    return Files.exists(out) ? Files.readAllLines(out) : List.of();
  }

  private ActorStore node(String name) {
    return PostgresEngine.openStore(fixture.uri(), StoreOptions.defaults(), new LeaseOptions(name, Duration.ofSeconds(10)));
  }

  @Test
  void nodesRacingToTakeAnExpiredActorHaveExactlyOneWinner() throws Exception {
    try (ActorStore first = node("node-0")) {
      first.actor("raced").put(OwnershipChild.key("k"), new byte[] {1});
    }
    fixture.execute("UPDATE actorkv.actors SET lease_expires = now() - interval '1 second'");
    int n = 3;
    long startAt = System.currentTimeMillis() + 5000; // after every JVM started
    List<Path> outs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      Path out = tmp.resolve("racer" + i);
      outs.add(out);
      child(out, "race", fixture.uri(), "raced", "node-" + i, Long.toString(startAt));
    }
    List<String> answers = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    for (Path out : outs) {
      while (lines(out).isEmpty()) {
        assertTrue(System.nanoTime() < deadline, "a racer never answered: " + Files.readString(Path.of(out + ".err")));
        Thread.sleep(20);
      }
      answers.add(lines(out).getFirst());
    }
    assertEquals(1, answers.stream().filter(a -> a.startsWith("won")).count(), answers.toString());
    assertEquals(List.of("won 2"), answers.stream().filter(a -> a.startsWith("won")).toList());
    assertEquals(n - 1, answers.stream().filter(a -> a.equals("owned")).count(), answers.toString());
  }

  @Test
  void aNodeKilledInTheMiddleOfItsCommitsLeavesWholeBatchesAndIsTakenOver() throws Exception {
    Path out = tmp.resolve("committer");
    ChildJvm c = child(out, "commits", fixture.uri(), "killed", "node-k", "1000");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (acked(out) < 30) {
      assertTrue(System.nanoTime() < deadline, "no commits: " + Files.readString(Path.of(out + ".err")));
      Thread.sleep(10);
    }
    c.kill9();
    long acked = acked(out);
    try (ActorStore store = node("checker")) {
      ActorKeyspace a = store.actor("killed", Duration.ofSeconds(30)); // once the dead node's lease ran out
      long last = verifyWholeBatches(a);
      assertTrue(last >= acked, "acknowledged " + acked + ", stored " + last);
      assertEquals(2, store.owners("killed").getFirst().epoch());
      a.commit(OwnershipChild.batch(last + 1)); // the new owner writes on
      assertEquals(last + 1, verifyWholeBatches(a));
    }
  }

  @Test
  void aServerCrashUnderLoadLosesNoAcknowledgedWriteAndClientsReconnect() throws Exception {
    AtomicLong acked = new AtomicLong();
    AtomicLong failures = new AtomicLong();
    AtomicReference<Throwable> unexpected = new AtomicReference<>();
    try (ActorStore store = node("load")) {
      ActorKeyspace a = store.actor("load");
      Thread writer = Thread.ofPlatform().start(() -> {
        long n = 1;
        while (!Thread.currentThread().isInterrupted()) {
          try {
            a.commit(OwnershipChild.batch(n));
            acked.set(n);
            n++;
          } catch (StoreException e) {
            failures.incrementAndGet(); // not acknowledged: the same batch again (idempotent)
            try {
              Thread.sleep(50);
            } catch (InterruptedException ie) {
              return;
            }
          } catch (Throwable t) {
            unexpected.set(t);
            return;
          }
        }
      });
      try {
        waitFor(() -> acked.get() >= 20, "commits before the crash");
        fixture.cluster().crash();
        long atCrash = acked.get();
        Thread.sleep(500);
        fixture.cluster().restart();
        waitFor(() -> acked.get() >= atCrash + 20, "commits after the restart (the pool reconnects)");
      } finally {
        writer.interrupt();
        writer.join(60_000);
      }
      assertNull(unexpected.get());
      long last = verifyWholeBatches(a);
      assertTrue(last >= acked.get(), "acknowledged " + acked.get() + ", stored " + last);
      System.out.println("server crash under load: " + acked.get() + " batches acknowledged, " + failures.get()
          + " commits failed while the server was down, none lost");
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  private static long acked(Path out) throws IOException {
    long max = 0;
    for (String line : lines(out)) {
      if (line.startsWith("ack ")) {
        max = Math.max(max, Long.parseLong(line.substring(4)));
      }
    }
    return max;
  }

  /** Every batch up to "last" whole, nothing of a later one; the count exact. Returns last. */
  private static long verifyWholeBatches(ActorKeyspace a) {
    byte[] lastValue = a.get(OwnershipChild.key("last"));
    assertNotNull(lastValue);
    long last = Long.parseLong(new String(lastValue, StandardCharsets.UTF_8));
    for (long n = 1; n <= last; n++) {
      List<byte[]> keys = new ArrayList<>();
      for (int i = 0; i < OwnershipChild.KEYS; i++) {
        keys.add(OwnershipChild.key("b" + n + "/" + i));
      }
      List<byte[]> values = a.multiGet(keys);
      for (int i = 0; i < OwnershipChild.KEYS; i++) {
        assertArrayEquals(OwnershipChild.value(n, i), values.get(i), "batch " + n + " key " + i);
      }
    }
    assertEquals(last * OwnershipChild.KEYS + 1, a.scan(KeyRange.all(), Integer.MAX_VALUE).size(), "no key of a later batch");
    assertEquals(a.scanStorageBytes(), a.recordedStorageBytes());
    assertEquals(a.scanStorageBytes(), a.storageBytes());
    return last;
  }
}
