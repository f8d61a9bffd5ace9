package dev.actorkv.tool;

import dev.actorkv.backup.Backups;
import dev.actorkv.backup.CorruptBackupException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keyspace backups DEST}: the complete backups in a backup folder, oldest first. */
@Command(
    name = "backups",
    mixinStandardHelpOptions = true,
    description = "Lists the complete backups in the folder DEST, oldest first, one JSON line each as backup prints it;"
        + " a backup whose manifest fails its checksum prints {\"backup\":N,\"error\":\"…\"} and the run exits 1."
        + " A backup cut short is not listed.")
final class BackupsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DEST", description = "the backup folder")
  Path dest;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<Long> numbers = Backups.numbers(dest); // a bad folder is BackupFolderException: bad input (exit 2)
    int damaged = 0;
    for (long n : numbers) {
      try {
        out.println(Json.write(BackupCommand.describe(Backups.info(dest, n))));
      } catch (CorruptBackupException e) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("backup", n);
        line.put("error", e.getMessage());
        out.println(Json.write(line));
        damaged++;
      }
    }
    return damaged == 0 ? Errors.OK : Errors.FAILED;
  }
}
