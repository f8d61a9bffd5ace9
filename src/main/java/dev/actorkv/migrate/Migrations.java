package dev.actorkv.migrate;

import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorOpenHook;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Entry point for applications: opens a store whose actors are migrated from the legacy layout when
 * first opened. {@link ActorStore#actor(String)} on an actor with legacy data (layout version 0) runs
 * the migration to completion before it returns the actor; on a conflict or a bad legacy key it throws
 * the {@link MigrationException}, and the actor stays unavailable until that is resolved (for example
 * with {@code keyspace migrate --prefer}).
 *
 * <p>To refuse legacy actors instead, open with {@code StoreOptions.defaults().withOpenHook(Migrations.REFUSE)}:
 * {@code actor(id)} then throws {@link LegacyLayoutException}. The store's own default
 * ({@link #OPEN_AS_IS}, which is {@link ActorOpenHook#NONE}) is meant for inspection tools.
 *
 * <p>The layout version and the migration marker live in the actor's metadata, which the store keeps
 * without interpreting it (see {@link LayoutMetadata}); whether legacy keys are present is found with a
 * few bounded seeks ({@link LegacyDetector}). A hook runs when a handle is first handed out: legacy keys
 * written through a handle that is already open are found by the next open or by {@code keyspace migrate}.
 */
public final class Migrations {
  private Migrations() {}

  /** Hands out every actor as stored, legacy keys included: for inspection tools (dump, export, check). */
  public static final ActorOpenHook OPEN_AS_IS = ActorOpenHook.NONE;

  /** Refuses to hand out an actor with legacy data: throws {@link LegacyLayoutException}. */
  public static final ActorOpenHook REFUSE = actor -> {
    if (layoutVersion(actor) == 0) {
      throw new LegacyLayoutException(actor.actorId());
    }
  };

  /** Opens (or creates) the store in {@code directory}, migrating legacy actors when opened. */
  public static ActorStore open(Path directory) {
    return ActorStore.open(directory, defaultOptions());
  }

  /** The default store options with legacy actors migrated on open (default migration options). */
  public static StoreOptions defaultOptions() {
    return migratingOnOpen(StoreOptions.defaults(), MigrationOptions.defaults());
  }

  /**
   * {@code base} with legacy actors migrated on open, as {@code migration} says, after base's own hook;
   * an actor whose {@code keyspace copy} is unfinished is refused first ({@link CopyMarkers#REFUSE_INCOMPLETE}).
   */
  public static StoreOptions migratingOnOpen(StoreOptions base, MigrationOptions migration) {
    return base.withOpenHook(base.openHook().andThen(CopyMarkers.REFUSE_INCOMPLETE).andThen(onOpen(migration)));
  }

  /** The {@link ActorOpenHook} that migrates an actor with legacy data as {@code migration} says. */
  public static ActorOpenHook onOpen(MigrationOptions migration) {
    Migrator migrator = new Migrator(migration);
    return actor -> {
      if (layoutVersion(actor) == 0) {
        migrator.migrate(actor);
      }
    };
  }

  /**
   * The actor's layout version: 0 while it holds legacy-layout keys or its metadata records an
   * unfinished migration (or, from a store written before metadata existed, legacy data not yet
   * migrated), {@link Namespace#CURRENT_VERSION} otherwise.
   */
  public static int layoutVersion(ActorKeyspace actor) {
    return LayoutMetadata.recordsLegacy(actor) || LegacyDetector.hasLegacyKeys(actor) ? 0 : Namespace.CURRENT_VERSION;
  }

  /** The actor's serialized {@code MigrationMarker} (migrate.proto), or null when it has none. */
  public static byte @Nullable [] migrationMarker(ActorKeyspace actor) {
    return LayoutMetadata.marker(actor);
  }
}
