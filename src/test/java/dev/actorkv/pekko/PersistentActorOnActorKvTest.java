package dev.actorkv.pekko;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.tuple.Tuple;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotOffer;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.testkit.javadsl.TestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real persistent actor on both plugins, across two actor systems on one RocksDB store: an event Pekko
 * cannot serialize is rejected and the actor goes on; a restarted system recovers the snapshot plus the
 * events after it; the store holds the events and the snapshot under the persistence id's actor.
 */
class PersistentActorOnActorKvTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void rejectsWhatItCannotSerializeAndRecoversFromSnapshotAndEvents(@TempDir Path dir) {
    String store = dir.resolve("store").toString();
    ActorSystem first = ActorSystem.create("first", ActorKvJournalTckTest.config(store));
    try {
      TestKit probe = new TestKit(first);
      ActorRef actor = first.actorOf(Props.create(Notes.class, () -> new Notes("notes-1", probe.getRef())));
      probe.expectMsg(WAIT, "recovered  from snapshot false");
      actor.tell("add a", probe.getRef());
      probe.expectMsg(WAIT, "ok a");
      actor.tell("add b", probe.getRef());
      probe.expectMsg(WAIT, "ok b");
      actor.tell("unserializable", probe.getRef());
      probe.expectMsg(WAIT, "rejected");
      actor.tell("add c", probe.getRef()); // still alive after the rejection
      probe.expectMsg(WAIT, "ok c");
      actor.tell("snapshot", probe.getRef());
      probe.expectMsg(WAIT, "snapshot saved");
      actor.tell("add d", probe.getRef());
      probe.expectMsg(WAIT, "ok d");
    } finally {
      TestKit.shutdownActorSystem(first);
    }

    ActorSystem second = ActorSystem.create("second", ActorKvJournalTckTest.config(store));
    try {
      TestKit probe = new TestKit(second);
      second.actorOf(Props.create(Notes.class, () -> new Notes("notes-1", probe.getRef())));
      probe.expectMsg(WAIT, "recovered a,b,c,d from snapshot true");
    } finally {
      TestKit.shutdownActorSystem(second);
    }

    try (ActorStore s = ActorStore.open(Path.of(store))) {
      ActorKeyspace actor = s.actor("notes-1");
      assertEquals(4, actor.scan(PekkoKeys.events(0, Long.MAX_VALUE), 100).size(), "a, b, c and d, not the rejected one");
      assertEquals(1, actor.scan(PekkoKeys.snapshots(0, Long.MAX_VALUE), 100).size());
    }
  }

  @Test
  void recoversEventsOfTheFirstValueVersionBesideNewOnes(@TempDir Path dir) throws Exception {
    ActorSystem system = ActorSystem.create("versions", ActorKvJournalTckTest.config(dir.resolve("store").toString()));
    try {
      // Event 1 as the first version stored it: the whole PersistentRepr through Pekko's serialization.
      PersistentRepr old = PersistentRepr.apply("old", 1, "notes-2", "", false, ActorRef.noSender(), "w");
      byte[] v1 = PekkoValues.Serialized.of(SerializationExtension.get(system), old).appendTo(Tuple.empty()).pack();
      ActorKvPersistence.get(system).store().actor("notes-2").put(PekkoKeys.event(1), v1);
      TestKit probe = new TestKit(system);
      ActorRef actor = system.actorOf(Props.create(Notes.class, () -> new Notes("notes-2", probe.getRef())));
      probe.expectMsg(WAIT, "recovered old from snapshot false");
      actor.tell("add new", probe.getRef());
      probe.expectMsg(WAIT, "ok new");
      system.stop(actor);
      system.actorOf(Props.create(Notes.class, () -> new Notes("notes-2", probe.getRef())));
      probe.expectMsg(WAIT, "recovered old,new from snapshot false");
    } finally {
      TestKit.shutdownActorSystem(system);
    }
  }

  /** Keeps a list of notes; events and snapshots are strings (Pekko serializes those without Java serialization). */
  static final class Notes extends AbstractPersistentActor {
    private final String id;
    private final ActorRef probe;
    private final List<String> notes = new ArrayList<>();
    private boolean fromSnapshot;

    Notes(String id, ActorRef probe) {
      this.id = id;
      this.probe = probe;
    }

    @Override
    public String persistenceId() {
      return id;
    }

    @Override
    public Receive createReceiveRecover() {
      return receiveBuilder()
          .match(String.class, notes::add)
          .match(SnapshotOffer.class, offer -> {
            fromSnapshot = true;
            notes.addAll(List.of(((String) offer.snapshot()).split(",")));
          })
          .match(RecoveryCompleted.class, done -> probe.tell("recovered " + String.join(",", notes) + " from snapshot " + fromSnapshot, self()))
          .build();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .matchEquals("unserializable", m -> persist(new Object(), e -> probe.tell("persisted the unserializable", self())))
          .matchEquals("snapshot", m -> saveSnapshot(String.join(",", notes)))
          .match(SaveSnapshotSuccess.class, m -> probe.tell("snapshot saved", self()))
          .match(String.class, m -> m.startsWith("add "), m -> persist(m.substring(4), e -> {
            notes.add(e);
            probe.tell("ok " + e, self());
          }))
          .build();
    }

    @Override
    public void onPersistRejected(Throwable cause, Object event, long seqNr) {
      probe.tell("rejected", self());
    }
  }
}
