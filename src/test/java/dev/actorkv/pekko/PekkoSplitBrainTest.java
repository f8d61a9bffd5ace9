package dev.actorkv.pekko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.testing.ChildJvm;
import dev.actorkv.testing.Signals;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A split brain on PostgreSQL between two real JVMs, each an ActorSystem with its own node name hosting
 * the same persistent actor: node A persists, is paused (SIGSTOP) past its lease, node B recovers the actor
 * (taking it over) and has not written yet when A resumes (SIGCONT) and persists again. A's write is
 * refused (the actor gets onPersistFailure and stops), a new incarnation on A cannot recover while B holds
 * the actor, B persists on, and a replay afterwards on a third system shows A's events up to the takeover
 * and then only B's, with contiguous sequence numbers. And when B has already left the actor again by the
 * time A resumes, A's old incarnation, which goes on after a failed snapshot, still cannot write: it
 * never takes the actor back behind its own recovery's back (its next sequence number is B's event).
 */
class PekkoSplitBrainTest {
  private static final long WAIT_SECONDS = 60;

  @TempDir Path tmp;
  private StoreFixture.Postgres fixture;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void open() {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("pekko_split_brain");
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

  /** A {@link SplitBrainNode} JVM: commands to its stdin, its reports read from its stdout file. */
  private record Node(String name, Process process, OutputStream in, Path out) {
    void send(String command) throws IOException {
      in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    }

    /** Waits for a line starting with {@code prefix}; returns it. */
    String await(String prefix) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        for (String line : Files.readAllLines(out)) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
        if (!process.isAlive()) {
          break;
        }
        Thread.sleep(20);
      }
      throw new AssertionError(name + " never reported \"" + prefix + "\"; it reported:\n" + Files.readString(out)
          + "stderr:\n" + Files.readString(Path.of(out + ".err")));
    }
  }

  private Node node(String name, String leaseTtl, String takeoverWait) throws IOException {
    Path out = tmp.resolve(name + ".out");
    ChildJvm jvm = ChildJvm.start(List.of("-Xmx256m"), SplitBrainNode.class, null, out,
        fixture.uri(), name, "account-1", leaseTtl, takeoverWait);
    started.add(jvm.process());
    return new Node(name, jvm.process(), jvm.process().getOutputStream(), out);
  }


  @Test
  void theStaleIncarnationsWritesAreRefusedAndNeverInterleaved() throws Exception {
    Node a = node("node-a", "1s", "2s");
    for (int i = 1; i <= 5; i++) {
      a.send("persist a" + i);
    }
    a.await("persisted a5 seq 5");

    Signals.pause(a.process()); // a GC pause, a frozen VM, a network split: A stops renewing its lease
    Thread.sleep(1500); // past A's lease, by any clock

    Node b = node("node-b", "10s", "5s");
    b.send("start");
    assertEquals("recovered a1@1,a2@2,a3@3,a4@4,a5@5 seq 5", b.await("recovered"), "B took the actor over");

    // B has not written yet: only the owner epoch tells A's next write apart from B's.
    Signals.resume(a.process());
    a.send("persist a6");
    String refused = a.await("persist-failed a6");
    assertTrue(refused.startsWith("persist-failed a6 seq 6: ") && refused.contains("taken over"), refused);
    a.await("stopped");
    // The next command on A starts a new incarnation there (as a shard region would): it cannot recover.
    a.send("persist a7");
    String owned = a.await("recovery-failed");
    assertTrue(owned.contains("owned by node-b"), owned);

    b.send("persist b6");
    b.send("persist b7");
    b.await("persisted b7 seq 7");
    a.send("exit");
    b.send("exit");
    assertEquals(0, a.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS) ? a.process().exitValue() : -1);
    assertEquals(0, b.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS) ? b.process().exitValue() : -1);
    assertTrue(!Files.readString(a.out()).contains("persisted a6") && !Files.readString(a.out()).contains("persisted a7"),
        Files.readString(a.out()));

    // A replay afterwards, on a third node: A's events up to the takeover, then B's, nothing of A after it.
    ActorSystem c = ActorSystem.create("node-c", SplitBrainNode.config(fixture.uri(), "node-c", "10s", "5s"));
    try {
      BlockingQueue<String> reports = new LinkedBlockingQueue<>();
      c.actorOf(Props.create(SplitBrainNode.Incarnation.class,
          new SplitBrainNode.Incarnation.Creator("account-1", reports::add, new AtomicBoolean())));
      assertEquals("recovered a1@1,a2@2,a3@3,a4@4,a5@5,b6@6,b7@7 seq 7", reports.poll(WAIT_SECONDS, TimeUnit.SECONDS));
    } finally {
      TestKit.shutdownActorSystem(c);
    }
  }

  @Test
  void aResumedIncarnationDoesNotTakeBackAnActorTheNewOwnerLeft() throws Exception {
    Node a = node("node-a", "1s", "2s");
    for (int i = 1; i <= 3; i++) {
      a.send("persist a" + i);
    }
    a.await("persisted a3 seq 3");
    Signals.pause(a.process());
    Thread.sleep(1500);

    Node b = node("node-b", "10s", "5s");
    b.send("persist b4");
    b.await("persisted b4 seq 4");
    b.send("exit"); // B's system ends and gives the actor up: nobody owns it now
    assertEquals(0, b.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS) ? b.process().exitValue() : -1);

    Signals.resume(a.process());
    Thread.sleep(1000); // A's lease renewal runs and finds the actor taken over
    a.send("snapshot"); // refused; the incarnation goes on (a failed snapshot does not stop it)
    assertTrue(a.await("snapshot-").startsWith("snapshot-failed: "), Files.readString(a.out()));
    a.send("persist a4"); // A's old incarnation, whose state ends at a3
    String refused = a.await("persist-failed a4");
    assertTrue(refused.startsWith("persist-failed a4 seq 4: ") && refused.contains("taken over"), refused);
    a.await("stopped");
    // A new incarnation on A recovers (nobody holds the actor) and sees B's event.
    a.send("start");
    assertEquals("recovered a1@1,a2@2,a3@3,b4@4 seq 4", a.await("recovered a1@1,a2@2,a3@3,"));
    a.send("exit");
    assertEquals(0, a.process().waitFor(WAIT_SECONDS, TimeUnit.SECONDS) ? a.process().exitValue() : -1);
  }
}
