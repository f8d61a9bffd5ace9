package dev.actorkv.tool;

import dev.actorkv.backup.BackupInfo;
import dev.actorkv.backup.Backups;
import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keyspace backup DB DEST}: the next backup of the whole store into the backup folder DEST. */
@Command(
    name = "backup",
    mixinStandardHelpOptions = true,
    description = "Backs the whole store DB (a directory or a postgresql:// URI; it may be in use) up into the folder"
        + " DEST from one consistent snapshot. Incremental: an actor unchanged since a backup already in DEST is not"
        + " written again. Prints {\"backup\":N,\"time\":\"<ISO-8601 UTC>\",\"actors\":N,\"keys\":N,\"bytes\":N,"
        + "\"new_bytes\":N}: bytes counts the actors' logical keys and values, new_bytes what this backup added to DEST.")
final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store to back up: a directory, or a postgresql:// URI")
  String db;

  @Parameters(index = "1", paramLabel = "DEST", description = "the backup folder (created when missing or empty)")
  Path dest;

  @Override
  public Integer call() {
    BackupInfo info;
    try (ActorStore store = StoreAccess.openForReading(db, dev.actorkv.store.ActorOpenHook.NONE)) {
      info = Backups.backup(store, dest); // a bad folder is BackupFolderException: bad input (exit 2)
    }
    spec.commandLine().getOut().println(Json.write(describe(info)));
    return Errors.OK;
  }

  /** The JSON line of one backup, as backup and backups print it. */
  static Map<String, Object> describe(BackupInfo info) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("backup", info.number());
    line.put("time", info.time().toString());
    line.put("engine", info.engine());
    line.put("actors", info.actors());
    line.put("keys", info.keys());
    line.put("bytes", info.bytes());
    line.put("new_bytes", info.newBytes());
    return line;
  }
}
