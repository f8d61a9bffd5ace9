package dev.actorkv.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.persistence.AbstractPersistentActor;
import org.apache.pekko.persistence.RecoveryCompleted;
import org.apache.pekko.persistence.SaveSnapshotFailure;
import org.apache.pekko.persistence.SaveSnapshotSuccess;
import org.apache.pekko.persistence.SnapshotOffer;
import scala.Option;
import scala.concurrent.Await;
import scala.concurrent.duration.Duration;

/**
 * One "node" of {@link PekkoSplitBrainTest}, run in its own JVM: an ActorSystem named by its node on a
 * PostgreSQL store, hosting incarnations of one persistent actor as a shard region would, a new one
 * whenever the last has stopped and a command arrives for it. Commands on stdin, one a line: {@code
 * persist X} (the incarnation persists the string X), {@code snapshot} (it saves a snapshot), {@code start} (an incarnation, so that it
 * recovers), {@code exit}. What the incarnations see is printed on stdout, one line each (see {@link
 * Incarnation}).
 *
 * <p>Arguments: store URI, node name, persistence id, lease ttl, takeover wait (HOCON durations).
 */
public final class SplitBrainNode {
  private SplitBrainNode() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String node = args[1];
    String pid = args[2];
    Config config = config(uri, node, args[3], args[4]);
    ActorSystem system = ActorSystem.create(node, config);
    Consumer<String> out = line -> {
      synchronized (System.out) {
        System.out.println(line);
        System.out.flush();
      }
    };
    ActorRef current = null;
    AtomicBoolean stopped = new AtomicBoolean(true);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null && !line.equals("exit"); ) {
      if (stopped.get()) {
        stopped = new AtomicBoolean(false);
        current = system.actorOf(Props.create(Incarnation.class, new Incarnation.Creator(pid, out, stopped)));
      }
      if (line.startsWith("persist ")) {
        current.tell(line.substring("persist ".length()), ActorRef.noSender());
      } else if (line.equals("snapshot")) {
        current.tell(Incarnation.Snapshot.NOW, ActorRef.noSender());
      }
    }
    system.terminate();
    Await.result(system.whenTerminated(), Duration.create(60, TimeUnit.SECONDS));
    out.accept("exited");
    System.exit(0);
  }

  static Config config(String uri, String node, String leaseTtl, String takeoverWait) {
    return ConfigFactory.parseString("""
            pekko.loglevel = WARNING
            pekko.persistence.journal.plugin = "actor-kv.journal"
            pekko.persistence.snapshot-store.plugin = "actor-kv.snapshot-store"
            """)
        .withValue("actor-kv.store", ConfigValueFactory.fromAnyRef(uri))
        .withValue("actor-kv.node", ConfigValueFactory.fromAnyRef(node))
        .withValue("actor-kv.lease-ttl", ConfigValueFactory.fromAnyRef(leaseTtl))
        .withValue("actor-kv.takeover-wait", ConfigValueFactory.fromAnyRef(takeoverWait))
        .withFallback(ConfigFactory.load());
  }

  /**
   * One incarnation of the persistent actor: persists the strings it is sent and reports {@code
   * recovered E@SEQ,... seq N}, {@code persisted X seq N}, {@code persist-failed X seq N: why}, {@code
   * recovery-failed: why}, {@code snapshot-saved seq N}, {@code snapshot-failed: why} and {@code stopped}.
   */
  static final class Incarnation extends AbstractPersistentActor {
    private final String pid;
    private final Consumer<String> out;
    private final AtomicBoolean stopped;
    private final List<String> events = new ArrayList<>();

    enum Snapshot {
      NOW
    }

    Incarnation(String pid, Consumer<String> out, AtomicBoolean stopped) {
      this.pid = pid;
      this.out = out;
      this.stopped = stopped;
    }

    record Creator(String pid, Consumer<String> out, AtomicBoolean stopped) implements org.apache.pekko.japi.Creator<Incarnation> {
      @Override
      public Incarnation create() {
        return new Incarnation(pid, out, stopped);
      }
    }

    @Override
    public String persistenceId() {
      return pid;
    }

    @Override
    public Receive createReceiveRecover() {
      return receiveBuilder()
          .match(String.class, e -> events.add(e + "@" + lastSequenceNr()))
          .match(SnapshotOffer.class, o -> events.addAll(List.of(((String) o.snapshot()).split(","))))
          .match(RecoveryCompleted.class, done -> out.accept("recovered " + String.join(",", events) + " seq " + lastSequenceNr()))
          .build();
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(String.class, e -> persist(e, p -> {
            events.add(p + "@" + lastSequenceNr());
            out.accept("persisted " + p + " seq " + lastSequenceNr());
          }))
          .matchEquals(Snapshot.NOW, m -> saveSnapshot(String.join(",", events)))
          .match(SaveSnapshotSuccess.class, m -> out.accept("snapshot-saved seq " + m.metadata().sequenceNr()))
          .match(SaveSnapshotFailure.class, m -> out.accept("snapshot-failed: " + m.cause().getMessage()))
          .build();
    }

    @Override
    public void onPersistFailure(Throwable cause, Object event, long seqNr) {
      out.accept("persist-failed " + event + " seq " + seqNr + ": " + cause.getMessage());
      super.onPersistFailure(cause, event, seqNr);
    }

    @Override
    public void onRecoveryFailure(Throwable cause, Option<Object> event) {
      out.accept("recovery-failed: " + cause.getMessage());
      super.onRecoveryFailure(cause, event);
    }

    @Override
    public void postStop() throws Exception {
      stopped.set(true);
      out.accept("stopped");
      super.postStop();
    }
  }
}
