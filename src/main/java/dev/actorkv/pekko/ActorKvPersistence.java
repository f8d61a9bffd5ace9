package dev.actorkv.pekko;

import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.store.postgres.PostgresUri;
import java.nio.file.Path;
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
 */
public final class ActorKvPersistence implements Extension {
  /** The extension's id: {@code ActorKvPersistence.ID.get(system)}. */
  public static final ExtensionId<ActorKvPersistence> ID = new Id();

  private final ActorStore store;
  private final Serialization serialization;

  private ActorKvPersistence(ExtendedActorSystem system) {
    String where = system.settings().config().getString("actor-kv.store");
    if (where.isBlank()) {
      throw new ConfigurationException(
          "actor-kv.store is not set: give the store's directory or a postgresql:// URI in the configuration");
    }
    this.store = PostgresUri.isUri(where)
        ? PostgresEngine.openStore(where, StoreOptions.DEFAULTS)
        : ActorStore.open(Path.of(where));
    this.serialization = SerializationExtension.get(system);
    // After every actor, the plugins included, has stopped: nothing uses the store any more.
    system.registerOnTermination(store::close);
  }

  public static ActorKvPersistence get(ActorSystem system) {
    return ID.get(system);
  }

  /** The shared store (for inspection; the plugins own the user_kv namespace of every persistence id). */
  public ActorStore store() {
    return store;
  }

  /** The keyspace of the persistent actor {@code persistenceId}. */
  ActorKeyspace actor(String persistenceId) {
    return store.actor(persistenceId);
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
