package dev.actorkv.pekko;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.actorkv.store.ActorOwner;
import dev.actorkv.testing.StoreFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistence id without calls for {@code actor-kv.release-idle-after} is released (its handle closed,
 * its lease given up), and its actor, still alive, takes it back on its next write when nobody wrote
 * events meanwhile; when another node did, that write fails as fenced and nothing of it lands.
 */
class PekkoIdleReleaseTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  static Config config(String store, String node) {
    return ConfigFactory.parseString("""
        actor-kv.release-idle-after = 1s
        actor-kv.node = "%s"
        """.formatted(node)).withFallback(ActorKvJournalTckTest.config(store));
  }

  /** A persistent actor keeping notes under {@code id}, reporting to {@code probe}. */
  private static ActorRef notes(ActorSystem system, String id, TestKit probe) {
    return system.actorOf(Props.create(PersistentActorOnActorKvTest.Notes.class,
        () -> new PersistentActorOnActorKvTest.Notes(id, probe.getRef())));
  }

  private static void awaitReleased(ActorSystem system, String persistenceId) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (ActorKvPersistence.get(system).holds(persistenceId)) {
      assertTrue(System.nanoTime() < deadline, persistenceId + " was not released");
      Thread.sleep(50);
    }
  }

  /** Persists "a", idles until released, persists "b": both land, and a new incarnation recovers both. */
  private static void releasedAndTakenBack(ActorSystem system, String id) throws InterruptedException {
    TestKit probe = new TestKit(system);
    ActorRef actor = notes(system, id, probe);
    probe.expectMsg(WAIT, "recovered  from snapshot false");
    actor.tell("add a", probe.getRef());
    probe.expectMsg(WAIT, "ok a");
    assertTrue(ActorKvPersistence.get(system).holds(id));
    awaitReleased(system, id);
    actor.tell("add b", probe.getRef());
    probe.expectMsg(WAIT, "ok b");
    assertTrue(ActorKvPersistence.get(system).holds(id), "taken back by the write");
    system.stop(actor);
    probe.watch(actor);
    probe.expectTerminated(WAIT, actor);
    notes(system, id, probe);
    probe.expectMsg(WAIT, "recovered a,b from snapshot false");
  }

  @Test
  void onRocksDbAnIdleIdIsReleasedAndTakenBack(@TempDir Path dir) throws InterruptedException {
    ActorSystem system = ActorSystem.create("idle", config(dir.resolve("store").toString(), "a"));
    try {
      releasedAndTakenBack(system, "idle-rocks");
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  /**
   * A rejected write (an event Pekko cannot serialize) writes nothing, so it must not count as written: a
   * call with event 1 and a rejected event 2, then, after the id was released while idle, event 3 is
   * taken back and written (the journal still ends at 1, as this incarnation wrote it).
   */
  @Test
  void aRejectedWriteDoesNotCountWhenTheIdIsTakenBack(@TempDir Path dir) throws InterruptedException {
    ActorSystem system = ActorSystem.create("idle", config(dir.resolve("store").toString(), "a"));
    try {
      TestKit probe = new TestKit(system);
      ActorRef journal = Persistence.get(system).journalFor("actor-kv.journal", com.typesafe.config.ConfigFactory.empty());
      journal.tell(writeMessages(probe, event(1, "a"), event(2, new Object())), probe.getRef());
      probe.expectMsgClass(WAIT, JournalProtocol.WriteMessagesSuccessful$.class);
      probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class);
      probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageRejected.class);
      awaitReleased(system, "idle-rejected");
      journal.tell(writeMessages(probe, event(3, "c")), probe.getRef());
      probe.expectMsgClass(WAIT, JournalProtocol.WriteMessagesSuccessful$.class);
      probe.expectMsgClass(WAIT, JournalProtocol.WriteMessageSuccess.class);
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  private static PersistentRepr event(long sequenceNr, Object payload) {
    return PersistentRepr.apply(payload, sequenceNr, "idle-rejected", "", false, ActorRef.noSender(), "writer");
  }

  private static JournalProtocol.WriteMessages writeMessages(TestKit probe, PersistentRepr... events) {
    List<PersistentEnvelope> writes = new java.util.ArrayList<>();
    for (PersistentRepr e : events) {
      writes.add(AtomicWrite.apply(e));
    }
    return new JournalProtocol.WriteMessages(scala.jdk.javaapi.CollectionConverters.asScala(writes).toList(), probe.getRef(), 1);
  }

  @Test
  void onPostgresAnIdleIdGivesItsLeaseUpAndIsTakenBack() throws InterruptedException {
    try (StoreFixture fixture = StoreFixture.postgres("pekko_idle")) {
      ActorSystem system = ActorSystem.create("idle", config(fixture.location(), "node-a"));
      try {
        TestKit probe = new TestKit(system);
        ActorRef actor = notes(system, "idle-lease", probe);
        probe.expectMsg(WAIT, "recovered  from snapshot false");
        actor.tell("add a", probe.getRef());
        probe.expectMsg(WAIT, "ok a");
        awaitReleased(system, "idle-lease");
        List<ActorOwner> owners = ActorKvPersistence.get(system).store().owners("idle-lease");
        assertNull(owners.get(0).leaseExpires(), "the lease was given up: " + owners);
        releasedAndTakenBack(system, "idle-pg");
      } finally {
        TestKit.shutdownActorSystem(system);
      }
    }
  }

  /**
   * Node A's actor idles and A releases its id; node B recovers the id, writes "c" and stops. A's actor,
   * alive all along with the state of "a" only, writes "d": refused (its next sequence number was B's),
   * the actor stops, and the journal holds a and c.
   */
  @Test
  void onPostgresAWriteAfterAnotherNodeWroteIsFenced() throws InterruptedException {
    try (StoreFixture fixture = StoreFixture.postgres("pekko_idle_fenced")) {
      ActorSystem a = ActorSystem.create("a", config(fixture.location(), "node-a"));
      try {
        TestKit probeA = new TestKit(a);
        ActorRef onA = notes(a, "idle-2", probeA);
        probeA.expectMsg(WAIT, "recovered  from snapshot false");
        onA.tell("add a", probeA.getRef());
        probeA.expectMsg(WAIT, "ok a");
        awaitReleased(a, "idle-2");

        ActorSystem b = ActorSystem.create("b", config(fixture.location(), "node-b"));
        try {
          TestKit probeB = new TestKit(b);
          ActorRef onB = notes(b, "idle-2", probeB);
          probeB.expectMsg(WAIT, "recovered a from snapshot false");
          onB.tell("add c", probeB.getRef());
          probeB.expectMsg(WAIT, "ok c");
        } finally {
          TestKit.shutdownActorSystem(b); // B gives the id up: A's write finds it free, and finds B's event
        }

        probeA.watch(onA);
        onA.tell("add d", probeA.getRef());
        probeA.expectTerminated(WAIT, onA);
        notes(a, "idle-2", probeA);
        probeA.expectMsg(WAIT, "recovered a,c from snapshot false");
      } finally {
        TestKit.shutdownActorSystem(a);
      }
    }
  }
}
