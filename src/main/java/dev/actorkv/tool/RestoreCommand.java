package dev.actorkv.tool;

import dev.actorkv.backup.Backups;
import dev.actorkv.backup.RestoredActor;
import dev.actorkv.store.ActorStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keyspace restore DEST DB [--backup N] [--actor ID]... [--replace]}. */
@Command(
    name = "restore",
    mixinStandardHelpOptions = true,
    description = "Restores the latest backup in the folder DEST (or backup N) into DB, a directory or a postgresql://"
        + " URI, either engine whatever the backup was taken from: the whole store into a new or empty one, or the"
        + " actors named. Each actor is written in one atomic commit, byte-identical to its state at backup time."
        + " Before anything is written, every file read is verified against its SHA-256 checksum (a damaged backup"
        + " exits 1 writing nothing) and DB is checked: an actor it holds data for is refused (exit 1, nothing"
        + " written) unless --replace. On PostgreSQL every actor restored is owned by this process while it runs"
        + " (--lease-ttl, --node); an actor another live process owns exits 3 naming the owner, nothing written."
        + " Prints one JSON line per actor: {\"actor\":…,\"status\":\"restored|replaced\",\"keys\":N,\"bytes\":N}.")
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DEST", description = "the backup folder")
  Path dest;

  @Parameters(index = "1", paramLabel = "DB", description = "the store to write (created when missing)")
  String db;

  @Option(names = "--backup", paramLabel = "N", description = "the backup to restore; default: the latest")
  Long backup;

  @Option(names = "--actor", paramLabel = "ID", description = "restore this actor (repeatable); default: every actor")
  List<String> actors;

  @Option(names = "--replace", description = "replace the data DB holds for the actors restored")
  boolean replace;

  @picocli.CommandLine.Mixin LeaseMixin lease = new LeaseMixin();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (backup != null && backup < 1) {
      throw new Errors.UserError("bad --backup " + backup + ": backups are numbered from 1");
    }
    List<String> ids = actors == null ? List.of() : actors;
    lease.leases(); // a bad --node or --lease-ttl is bad input (exit 2) before anything is read
    // A missing folder (BackupFolderException: exit 2) or a damaged backup is refused before DB is created
    // or opened.
    Backups.verify(dest, backup, ids);
    StoreAccess.requireStoreOrNew(db);
    List<RestoredActor> restored;
    try (ActorStore store = StoreAccess.openForWriting(db, lease, dev.actorkv.store.ActorOpenHook.NONE)) {
      for (String id : ids) {
        StoreAccess.checkActorId(store, id);
      }
      restored = Backups.restore(dest, backup, store, ids, replace);
    }
    for (RestoredActor r : restored) {
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("actor", r.actorId());
      line.put("status", r.replaced() ? "replaced" : "restored");
      line.put("keys", r.keys());
      line.put("bytes", r.bytes());
      out.println(Json.write(line));
    }
    return Errors.OK;
  }
}
