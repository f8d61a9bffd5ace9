package dev.actorkv.tool;

import dev.actorkv.migrate.CopyMarkers;
import dev.actorkv.store.ActorOpenHook;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.DamagedStoreException;
import dev.actorkv.store.IncompatibleStoreException;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.InvalidStoreUriException;
import dev.actorkv.store.postgres.LeaseOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import dev.actorkv.store.postgres.PostgresUri;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/**
 * How store commands open DB (a directory, or a {@code postgresql://} URI), choose actors and read hex
 * input. Every command opens the
 * store through one of two methods: {@link #openForReading} (dump, export, check, migrate --dry-run) and
 * {@link #openForWriting} (demo, import, sql, migrate), so what "reading" and "writing" mean for a store
 * is decided here once.
 */
final class StoreAccess {

  private StoreAccess() {}

  /**
   * Opens DB for a command that only reads: a directory as {@link #openForReading(Path)} says, a
   * PostgreSQL database without creating anything (one without a store is bad input, exit 2).
   */
  static ActorStore openForReading(String db) {
    return openForReading(db, CopyMarkers.REFUSE_INCOMPLETE);
  }

  /**
   * Like {@link #openForReading(String)} with {@code hook} as the store's open hook: every command but
   * copy and backup refuses an actor whose copy is unfinished ({@link CopyMarkers#REFUSE_INCOMPLETE}).
   */
  static ActorStore openForReading(String db, ActorOpenHook hook) {
    if (PostgresUri.isUri(db)) {
      return openPostgres(db, StoreOptions.defaults().withCreateIfMissing(false).withReadOnly(true).withOpenHook(hook),
          LeaseOptions.defaults());
    }
    return openForReading(Path.of(db), hook);
  }

  /**
   * Opens DB for a command that writes: a directory as {@link #openForWriting(Path)} says, a PostgreSQL
   * database creating the store's schema when it has none.
   */
  static ActorStore openForWriting(String db) {
    return openForWriting(db, new LeaseMixin());
  }

  /**
   * Like {@link #openForWriting(String)}; on a PostgreSQL store every actor the command gets is owned
   * under {@code lease} until the store is closed (another live owner: exit 3).
   */
  static ActorStore openForWriting(String db, LeaseMixin lease) {
    return openForWriting(db, lease, CopyMarkers.REFUSE_INCOMPLETE);
  }

  /** Like {@link #openForWriting(String, LeaseMixin)} with {@code hook} as the store's open hook. */
  static ActorStore openForWriting(String db, LeaseMixin lease, ActorOpenHook hook) {
    if (PostgresUri.isUri(db)) {
      return openPostgres(db, StoreOptions.defaults().withOpenHook(hook), lease.leases());
    }
    return openForWriting(Path.of(db), hook);
  }

  /** {@link #requireStoreOrNew(Path)} for a directory; a URI is checked when it is opened. */
  static void requireStoreOrNew(String db) {
    if (!PostgresUri.isUri(db)) {
      requireStoreOrNew(Path.of(db));
    }
  }

  /**
   * Opens the store in a PostgreSQL database. A bad URI, a database without a store (when not
   * creating) or with a newer schema is bad input (exit 2); a server that cannot be reached fails (exit 1).
   */
  private static ActorStore openPostgres(String uri, StoreOptions options, LeaseOptions leases) {
    try {
      return PostgresEngine.openStore(uri, options, leases);
    } catch (InvalidStoreUriException | IncompatibleStoreException e) {
      throw new Errors.UserError(e.getMessage());
    } catch (StoreException e) {
      throw new Errors.UserError(e.getMessage(), Errors.FAILED);
    }
  }

  /**
   * Opens an existing store for a command that only reads: it creates nothing (a missing, empty or
   * foreign directory is bad input, exit 2) and an incompatible or damaged store is bad input.
   */
  static ActorStore openForReading(Path db) {
    return openForReading(db, CopyMarkers.REFUSE_INCOMPLETE);
  }

  private static ActorStore openForReading(Path db, ActorOpenHook hook) {
    requireStore(db);
    try {
      // Read-only: writes no file of the store (not even RocksDB's info log), takes no lock, so it works
      // beside a writer and on a directory the user may only read, and sees the store as of the open.
      return ActorStore.open(db, StoreOptions.forReading().withOpenHook(hook));
    } catch (IncompatibleStoreException | DamagedStoreException e) {
      throw new Errors.UserError(e.getMessage());
    }
  }

  /**
   * Opens the store for a command that writes, creating it when {@code db} does not exist or is an
   * empty directory. A directory holding anything but a store is refused (exit 2), never written into.
   */
  static ActorStore openForWriting(Path db) {
    return openForWriting(db, CopyMarkers.REFUSE_INCOMPLETE);
  }

  private static ActorStore openForWriting(Path db, ActorOpenHook hook) {
    requireStoreOrNew(db);
    try {
      return ActorStore.open(db, StoreOptions.defaults().withOpenHook(hook));
    } catch (IncompatibleStoreException | DamagedStoreException e) {
      throw new Errors.UserError(e.getMessage());
    } catch (StoreException e) {
      throw explainLock(db, e);
    }
  }

  /** Fails with exit 2 unless {@code db} is a directory holding a RocksDB database. */
  static void requireStore(Path db) {
    if (!Files.exists(db)) {
      throw new Errors.UserError("no store at " + db + ": no such directory");
    }
    if (!Files.isDirectory(db)) {
      throw new Errors.UserError("no store at " + db + ": not a directory");
    }
    if (!Files.exists(db.resolve("CURRENT"))) {
      throw new Errors.UserError("no store at " + db + ": " + whyNoStore(db));
    }
  }

  /**
   * Fails with exit 2 unless {@code db} holds a store, does not exist, or is a directory with no entries
   * at all: a store is created only where nothing else is. Store files without CURRENT are a damaged
   * store, not a new one (creating a store there would hide what is left of the old one).
   */
  static void requireStoreOrNew(Path db) {
    if (!Files.exists(db)) {
      return;
    }
    if (!Files.isDirectory(db)) {
      throw new Errors.UserError("cannot create a store at " + db + ": it exists and is not a directory");
    }
    if (Files.exists(db.resolve("CURRENT")) || isEmptyDirectory(db)) {
      return;
    }
    throw new Errors.UserError("cannot create a store at " + db + ": " + whyNoStore(db)
        + "; a store is created only in a new or empty directory");
  }

  private static boolean isEmptyDirectory(Path dir) {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    } catch (IOException e) {
      throw new Errors.UserError("cannot read directory " + dir + ": " + e.getMessage());
    }
  }

  /** What a directory without CURRENT holds instead of a store. */
  private static String whyNoStore(Path dir) {
    if (isEmptyDirectory(dir)) {
      return "the directory is empty";
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith("MANIFEST-") || name.startsWith("OPTIONS-") || name.equals("IDENTITY")
            || name.endsWith(".sst") || name.endsWith(".log")) {
          return "the directory holds RocksDB files (" + name + ") but no CURRENT file: the store is damaged";
        }
      }
    } catch (IOException e) {
      throw new Errors.UserError("cannot read directory " + dir + ": " + e.getMessage());
    }
    return "the directory holds other files and no RocksDB database";
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
    if (!isWellFormed(actorId)) {
      throw new Errors.UserError("bad actor id " + quotedStart(actorId) + ": not valid Unicode (unpaired surrogate)");
    }
    try {
      store.actor(actorId);
    } catch (LimitExceededException e) {
      throw new Errors.UserError("bad actor id " + quotedStart(actorId) + ": " + e.getMessage());
    }
  }

  /** The id quoted, or its start when long: a refused 100 KB id is not echoed whole. */
  private static String quotedStart(String actorId) {
    if (actorId.length() <= 64) {
      return Json.quote(actorId);
    }
    int cut = Character.isHighSurrogate(actorId.charAt(59)) ? 59 : 60;
    return Json.quote(actorId.substring(0, cut)) + "...";
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
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
}
