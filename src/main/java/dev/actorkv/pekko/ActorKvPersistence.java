package dev.actorkv.pekko;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.LeaseOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.store.postgres.PostgresUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.pekko.ConfigurationException;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionId;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The one store of an {@code ActorSystem} that the journal ({@code actor-kv.journal}) and the snapshot
 * store ({@code actor-kv.snapshot-store}) share: opened from {@code actor-kv.store} (a directory for the
 * embedded RocksDB engine, or a {@code postgresql://} URI) on first use, closed when the system terminates.
 * A Pekko extension, so there is one per system and none outside one.
 *
 * <p><b>Split brain (PostgreSQL).</b> The store owns each persistence id it touches for this node ({@code
 * actor-kv.node}) under a lease ({@code actor-kv.lease-ttl}) and fences every commit with the owner epoch.
 * A recovery takes the persistence id over (waiting up to {@code actor-kv.takeover-wait} for another node's
 * lease to run out) and its handle becomes the id's <em>incarnation handle</em>: every later write of the
 * id (events, deletes, snapshots) goes through that handle and nothing else. Once another node has taken the
 * id over, the handle is dead and those writes fail with {@code ActorFencedException} (Pekko stops the
 * actor); a write never takes ownership anew behind the actor's back, since the actor's state was
 * recovered under the old ownership and its next sequence number may already be the other node's.
 */
public final class ActorKvPersistence implements Extension {
  /** The extension's id: {@code ActorKvPersistence.ID.get(system)}. */
  public static final ExtensionId<ActorKvPersistence> ID = new Id();

  private final ActorStore store;
  private final Serialization serialization;
  private final Duration takeoverWait;
  /** Each persistence id's incarnation handle: the one its last recovery on this node got (see above). */
  private final Map<String, ActorKeyspace> incarnations = new ConcurrentHashMap<>();
  /**
   * Where the plugins' store calls run: a virtual thread each. The calls block (on PostgreSQL, on the
   * server), and with no pool to queue them in, the commits of many persistence ids reach the store at
   * once, which sends those that meet in one transaction.
   */
  private final ExecutorService calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("actor-kv-call").factory());

  private ActorKvPersistence(ExtendedActorSystem system) {
    com.typesafe.config.Config config = system.settings().config().getConfig("actor-kv");
    String where = config.getString("store");
    if (where.isBlank()) {
      throw new ConfigurationException(
          "actor-kv.store is not set: give the store's directory or a postgresql:// URI in the configuration");
    }
    this.store = PostgresUri.isUri(where)
        ? PostgresEngine.openStore(where, StoreOptions.DEFAULTS, leases(config))
        : ActorStore.open(Path.of(where));
    this.takeoverWait = config.getDuration("takeover-wait");
    this.serialization = SerializationExtension.get(system);
    // After every actor, the plugins included, has stopped: nothing uses the store any more.
    system.registerOnTermination(() -> {
      calls.close(); // waits for the calls still running
      store.close();
    });
  }

  public static ActorKvPersistence get(ActorSystem system) {
    return ID.get(system);
  }

  /** The shared store (for inspection; the plugins own the user_kv namespace of every persistence id). */
  public ActorStore store() {
    return store;
  }

  private static LeaseOptions leases(com.typesafe.config.Config config) {
    String node = config.getString("node");
    try {
      return new LeaseOptions(node.isBlank() ? LeaseOptions.defaultNode() : node, config.getDuration("lease-ttl"));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("actor-kv.lease-ttl: " + e.getMessage());
    }
  }

  /**
   * The keyspace of {@code persistenceId} for a recovery (a replay, the highest sequence number, a snapshot
   * load): a live handle, taking the id over when this node's handle was fenced or never existed, waiting
   * up to {@code actor-kv.takeover-wait} while another node's lease on it runs; it becomes the id's
   * incarnation handle. Throws {@code ActorOwnedException} when the other node still holds it then.
   */
  ActorKeyspace recovering(String persistenceId) {
    ActorKeyspace actor = store.actor(persistenceId, takeoverWait);
    incarnations.put(persistenceId, actor);
    return actor;
  }

  /**
   * The keyspace of {@code persistenceId} for a write: its incarnation handle, dead (every call throws
   * {@code ActorFencedException}) once another node took the id over; a handle taken now only for an id
   * this node never recovered (a journal used without a persistent actor, as Pekko's TCK does).
   */
  ActorKeyspace writing(String persistenceId) {
    ActorKeyspace actor = incarnations.get(persistenceId);
    return actor != null ? actor : incarnations.computeIfAbsent(persistenceId, store::actor);
  }

  /** Runs the plugins' blocking store calls. */
  Executor calls() {
    return calls;
  }

  Serialization serialization() {
    return serialization;
  }

  private static final class Id extends AbstractExtensionId<ActorKvPersistence> implements ExtensionIdProvider {
    @Override
    public ActorKvPersistence createExtension(ExtendedActorSystem system) {
      return new ActorKvPersistence(system);
    }

    @Override
    public ExtensionId<? extends Extension> lookup() {
      return ID;
    }
  }
}
