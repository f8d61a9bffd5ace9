package dev.actorkv.pekko;

import com.google.common.annotations.VisibleForTesting;
import dev.actorkv.store.ActorFencedException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.LeaseOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.store.postgres.PostgresUri;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.apache.pekko.ConfigurationException;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.ExtensionId;
import org.apache.pekko.actor.ExtensionIdProvider;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.jspecify.annotations.Nullable;

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
 * actor); a write never takes the id back from another node behind the actor's back, since the actor's
 * state was recovered under the old ownership and its next sequence number may already be the other node's.
 *
 * <p><b>Idle persistence ids.</b> Pekko does not tell a journal when a persistent actor stops, so a node
 * would otherwise keep (and renew the lease of) every persistence id it ever touched. A persistence id with
 * no call for {@code actor-kv.release-idle-after} is released: its handle is closed, its lease given up.
 * Should its actor still be alive and write again, the write takes the id back only when its events are
 * still the ones this incarnation knows (the highest sequence number did not move); otherwise another node
 * wrote meanwhile and the write fails as fenced.
 */
public final class ActorKvPersistence implements Extension {
  /** The extension's id: {@code ActorKvPersistence.ID.get(system)}. */
  public static final ExtensionId<ActorKvPersistence> ID = new Id();

  private final ActorStore store;
  private final Serialization serialization;
  private final Duration takeoverWait;
  /** Each persistence id's incarnation: the handle its last recovery on this node got (see above). */
  private final Map<String, Incarnation> incarnations = new ConcurrentHashMap<>();
  /** How long a persistence id goes without a call before it is released (0: never). */
  private final long releaseIdleAfterNanos;
  /**
   * Where the plugins' store calls run: a virtual thread each. The calls block (on PostgreSQL, on the
   * server), and with no pool to queue them in, the commits of many persistence ids reach the store at
   * once, which sends those that meet in one transaction.
   */
  private final ExecutorService calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("actor-kv-call").factory());
  /**
   * Whether the store is the embedded one: its writes take microseconds, about what handing them to
   * another thread and back costs, so the journal's writes run on the journal actor itself (as Pekko's
   * LevelDB journal did); reads, which may be long (a replay), still run on {@link #calls}.
   */
  private final boolean embedded;

  private ActorKvPersistence(ExtendedActorSystem system) {
    com.typesafe.config.Config config = system.settings().config().getConfig("actor-kv");
    String where = config.getString("store");
    if (where.isBlank()) {
      throw new ConfigurationException(
          "actor-kv.store is not set: give the store's directory or a postgresql:// URI in the configuration");
    }
    this.embedded = !PostgresUri.isUri(where);
    this.store = embedded
        ? ActorStore.open(Path.of(where))
        : PostgresEngine.openStore(where, StoreOptions.DEFAULTS, leases(config));
    this.takeoverWait = config.getDuration("takeover-wait");
    Duration idle = config.getDuration("release-idle-after");
    this.releaseIdleAfterNanos = idle.toNanos();
    this.serialization = SerializationExtension.get(system);
    if (!idle.isZero()) {
      Duration every = idle.dividedBy(2);
      // A release gives a lease up in the database: it blocks, so it runs on the calls' virtual threads,
      // not on the dispatcher that fires the timer.
      system.scheduler().scheduleWithFixedDelay(every, every, () -> {
        try {
          calls.execute(this::releaseIdle);
        } catch (RejectedExecutionException terminating) {
          // The system is terminating: closing the store releases every lease at once.
        }
      }, system.dispatcher());
    }
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
   * load): a live handle, taking the id over when this node's handle was fenced, released or never
   * existed, waiting up to {@code actor-kv.takeover-wait} while another node's lease on it runs; it
   * becomes the id's incarnation handle. Throws {@code ActorOwnedException} when the other node still
   * holds it then. The call ends its use with {@link Use#close()}.
   */
  Use recovering(String persistenceId) {
    while (true) {
      ActorKeyspace actor = store.actor(persistenceId, takeoverWait);
      Incarnation incarnation = incarnations.compute(persistenceId,
          (id, old) -> old != null && old.isOf(actor) ? old : new Incarnation(actor));
      Use use = incarnation.use(actor);
      if (use != null) {
        return use;
      }
      // Released for idleness between the two lines above: the store hands out a new handle next time.
    }
  }

  /**
   * The keyspace of {@code persistenceId} for a write: its incarnation handle, dead (every call throws
   * {@code ActorFencedException}) once another node took the id over; a handle taken now only for an id
   * this node never recovered (a journal used without a persistent actor, as Pekko's TCK does), or taken
   * back for an id released while idle whose events did not change meanwhile (see above).
   */
  Use writing(String persistenceId) {
    Incarnation incarnation = incarnations.get(persistenceId);
    Use use = incarnation == null ? null : incarnation.use(null);
    if (use != null) {
      return use;
    }
    ActorKeyspace actor = store.actor(persistenceId);
    if (incarnation != null) {
      long known = incarnation.highest();
      long now = known < 0 ? -1 : ActorKvJournal.highest(actor);
      if (now != known) {
        actor.close();
        throw new ActorFencedException(persistenceId, "it was released while idle and another node wrote"
            + " events since (sequence number " + known + " became " + now + "); nothing was written");
      }
    }
    Incarnation taken = incarnations.compute(persistenceId,
        (id, old) -> old != null && old.takeBack(actor) ? old : new Incarnation(actor, old == null ? -1 : old.highest()));
    use = taken.use(actor);
    if (use == null) {
      throw new ActorFencedException(persistenceId, "it was released while this write took it back; nothing was written");
    }
    return use;
  }

  /** Whether this node holds {@code persistenceId} now (it has a handle that was not released). */
  @VisibleForTesting
  boolean holds(String persistenceId) {
    Incarnation incarnation = incarnations.get(persistenceId);
    return incarnation != null && incarnation.holds();
  }

  /**
   * Closes the handles of persistence ids without a call for the idle time, giving their leases up in one
   * statement (a node that runs many short-lived persistent actors lets thousands go at a time).
   */
  private void releaseIdle() {
    long now = System.nanoTime();
    List<ActorKeyspace> idle = new ArrayList<>();
    for (Incarnation incarnation : incarnations.values()) {
      ActorKeyspace handle = incarnation.takeIfIdle(now, releaseIdleAfterNanos);
      if (handle != null) {
        idle.add(handle);
      }
    }
    store.closeAll(idle);
  }

  /** One call's use of a persistence id's handle; closing it ends the use. */
  static final class Use implements AutoCloseable {
    private final Incarnation incarnation;
    private final ActorKeyspace actor;

    private Use(Incarnation incarnation, ActorKeyspace actor) {
      this.incarnation = incarnation;
      this.actor = actor;
    }

    ActorKeyspace actor() {
      return actor;
    }

    /** The journal learned the highest sequence number of the id (recovered or written). */
    void highest(long sequenceNr) {
      incarnation.highest(sequenceNr);
    }

    @Override
    public void close() {
      incarnation.endUse();
    }
  }

  /** A persistence id on this node: its handle (null once released for idleness) and what it knows. */
  private static final class Incarnation {
    /** Guarded by this, as are the fields below. */
    private @Nullable ActorKeyspace handle;
    /** The highest sequence number this incarnation knows of (-1: none yet). */
    private long highest;
    private int inUse;
    private long lastUse = System.nanoTime();

    Incarnation(ActorKeyspace handle) {
      this(handle, -1);
    }

    Incarnation(ActorKeyspace handle, long highest) {
      this.handle = handle;
      this.highest = highest;
    }

    synchronized boolean holds() {
      return handle != null;
    }

    synchronized boolean isOf(ActorKeyspace actor) {
      return handle == actor;
    }

    /** Takes {@code actor} as the handle again after a release; false when it holds another one. */
    synchronized boolean takeBack(ActorKeyspace actor) {
      if (handle == null) {
        handle = actor;
      }
      return handle == actor;
    }

    /** Starts a use of the handle ({@code expected}'s, when not null); null when it is released or another. */
    synchronized @Nullable Use use(@Nullable ActorKeyspace expected) {
      if (handle == null || (expected != null && handle != expected)) {
        return null;
      }
      inUse++;
      return new Use(this, handle);
    }

    synchronized void endUse() {
      inUse--;
      lastUse = System.nanoTime();
    }

    synchronized long highest() {
      return highest;
    }

    synchronized void highest(long sequenceNr) {
      highest = Math.max(highest, sequenceNr);
    }

    /** The handle, taken from this incarnation (released), when it had no call for {@code idleNanos}; else null. */
    synchronized @Nullable ActorKeyspace takeIfIdle(long now, long idleNanos) {
      if (handle == null || inUse > 0 || now - lastUse < idleNanos) {
        return null;
      }
      ActorKeyspace idle = handle;
      handle = null;
      return idle;
    }
  }

  /** Runs the plugins' blocking store calls. */
  Executor calls() {
    return calls;
  }

  /** Runs the journal's event writes: on the calling actor for the embedded store, else as {@link #calls}. */
  Executor writes() {
    return embedded ? Runnable::run : calls;
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
