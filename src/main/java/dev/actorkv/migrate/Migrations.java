package dev.actorkv.migrate;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.LegacyHandler;
import dev.actorkv.store.StoreOptions;
import java.nio.file.Path;

/**
 * Entry point for applications: opens a store whose actors are migrated from the legacy layout when
 * first opened. {@link ActorStore#actor(String)} on an actor with legacy data (layout version 0) runs
 * the migration to completion before it returns the actor; on a conflict or a bad legacy key it throws
 * the {@link MigrationException}, and the actor stays unavailable until that is resolved (for example
 * with {@code keyspace migrate --prefer}).
 *
 * <p>To refuse legacy actors instead, open with
 * {@code StoreOptions.defaults().withLegacyHandler(LegacyHandler.REFUSE)}: {@code actor(id)} then throws
 * {@link dev.actorkv.store.LegacyLayoutException}. The store's own default,
 * {@link LegacyHandler#OPEN_AS_IS}, is meant for inspection tools.
 */
public final class Migrations {
  private Migrations() {}

  /** Opens (or creates) the store in {@code directory}, migrating legacy actors when opened. */
  public static ActorStore open(Path directory) {
    return ActorStore.open(directory, defaultOptions());
  }

  /** The default store options with legacy actors migrated on open (default migration options). */
  public static StoreOptions defaultOptions() {
    return migratingOnOpen(StoreOptions.defaults(), MigrationOptions.defaults());
  }

  /** {@code base} with legacy actors migrated on open, as {@code migration} says. */
  public static StoreOptions migratingOnOpen(StoreOptions base, MigrationOptions migration) {
    return base.withLegacyHandler(onOpen(migration));
  }

  /** The {@link LegacyHandler} that migrates an actor as {@code migration} says. */
  public static LegacyHandler onOpen(MigrationOptions migration) {
    Migrator migrator = new Migrator(migration);
    return migrator::migrate;
  }
}
