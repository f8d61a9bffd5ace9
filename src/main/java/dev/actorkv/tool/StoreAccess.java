package dev.actorkv.tool;

import com.google.common.io.BaseEncoding;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.DamagedStoreException;
import dev.actorkv.store.IncompatibleStoreException;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** How store commands open the DB directory, choose actors and read hex input. */
final class StoreAccess {

  private StoreAccess() {}

  /** Opens an existing store; a missing, damaged or incompatible one is bad input (exit 2). */
  static ActorStore openExisting(Path db) {
    requireStore(db);
    try {
      return ActorStore.open(db, StoreOptions.defaults().withCreateIfMissing(false));
    } catch (IncompatibleStoreException | DamagedStoreException e) {
      throw new Errors.UserError(e.getMessage());
    } catch (StoreException e) {
      throw explainLock(db, e);
    }
  }

  /**
   * Opens an existing store read-only, for the commands that only read (dump, export, check, migrate
   * --dry-run): creates, changes and locks no file, works beside a process that has the store open for
   * writing, and sees the store as of the open. A missing, damaged or incompatible store is bad input.
   */
  static ActorStore openForReading(Path db) {
    requireStore(db);
    try {
      return ActorStore.open(db, StoreOptions.forReading());
    } catch (IncompatibleStoreException | DamagedStoreException e) {
      throw new Errors.UserError(e.getMessage());
    }
  }

  /**
   * Fails with exit 2 unless {@code db} is a directory holding a RocksDB database; store files without
   * CURRENT are a damaged store, said as such (the open would refuse it too).
   */
  static void requireStore(Path db) {
    if (!Files.isDirectory(db)) {
      throw new Errors.UserError("no store at " + db + ": not a directory");
    }
    if (!Files.exists(db.resolve("CURRENT"))) {
      // The store's open refuses store files without CURRENT before it touches anything, naming them.
      try (ActorStore appeared = ActorStore.open(db, StoreOptions.forReading())) {
        return; // CURRENT was written meanwhile
      } catch (DamagedStoreException e) {
        throw new Errors.UserError(e.getMessage());
      } catch (IncompatibleStoreException e) {
        // no store files at all: said below
      }
      throw new Errors.UserError("no store at " + db + ": the directory holds no RocksDB database");
    }
  }

  /** Opens the store, creating it when the directory is new (for demo). */
  static ActorStore openOrCreate(Path db) {
    if (Files.exists(db) && !Files.isDirectory(db)) {
      throw new Errors.UserError("cannot create a store at " + db + ": it is a file");
    }
    try {
      return ActorStore.open(db);
    } catch (IncompatibleStoreException | DamagedStoreException e) {
      throw new Errors.UserError(e.getMessage());
    } catch (StoreException e) {
      throw explainLock(db, e);
    }
  }

  /** RocksDB allows one process per store: say so instead of only quoting the lock file error. */
  private static RuntimeException explainLock(Path db, StoreException e) {
    if (e.getMessage() != null && e.getMessage().contains("LOCK")) {
      return new Errors.UserError("store at " + db + " is in use by another process (one process at a time): "
          + e.getMessage(), Errors.FAILED);
    }
    return e;
  }

  /** The actor id given with --actor: any string the store accepts. */
  static void checkActorId(ActorStore store, String actorId) {
    try {
      store.actor(actorId);
    } catch (IllegalArgumentException | LimitExceededException e) {
      throw new Errors.UserError("bad actor id " + Json.quote(actorId) + ": " + e.getMessage());
    }
  }

  /**
   * The actors a command visits: the one given with --actor (checked like {@link #checkActorId}), or,
   * when {@code actorId} is null, those {@code everyActor} lists.
   */
  static List<String> selectActors(ActorStore store, String actorId, Supplier<List<String>> everyActor) {
    if (actorId == null) {
      return everyActor.get();
    }
    checkActorId(store, actorId);
    return List.of(actorId);
  }

  /** Decodes hex (either case); throws IllegalArgumentException naming what is wrong. */
  static byte[] unhex(String hex) {
    if (hex.length() % 2 != 0) {
      throw new IllegalArgumentException("odd number of hex digits");
    }
    return BaseEncoding.base16().lowerCase().decode(hex.toLowerCase(java.util.Locale.ROOT));
  }
}
