package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.CopyMarkers;
import dev.actorkv.migrate.IncompleteCopyException;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keyspace export DB --actor ID [--out FILE]}: one actor's entries as JSON lines. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Writes one actor's entries, in key order, as JSON lines {\"key\":\"<hex>\",\"value\":\"<hex>\"} "
            + "(logical keys; nothing of any other actor), then its alarms, by name, as JSON lines "
            + "{\"alarm\":NAME,\"due\":\"<ISO-8601 UTC>\",\"payload\":\"<hex>\"}, all read from one consistent snapshot. "
            + "'import' is the inverse. "
            + "An actor with no keys is reported on stderr with exit status 1 (and FILE is left as it was).")
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI")
  String db;

  @Option(names = "--actor", required = true, paramLabel = "ID", description = "the actor to export")
  String actor;

  @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of stdout, where the path leads as a shell redirection does: a "
          + "regular file is replaced atomically (synced, then renamed over it), a symbolic link's target is "
          + "written, a FIFO or device is written as it is")
  Path outFile;

  @Override
  public Integer call() {
    try (ActorStore store = StoreAccess.openForReading(db)) {
      StoreAccess.checkActorId(store, actor);
      if (outFile == null) {
        PrintWriter out = spec.commandLine().getOut();
        long written = export(store, out);
        out.flush();
        return written == 0 ? nothingToExport() : 0;
      }
      try (FileOutput file = FileOutput.open(outFile)) {
        if (export(store, file.writer()) == 0) {
          // FILE is left as it was: an empty export is more likely a wrong --actor than a wish to empty it.
          return nothingToExport();
        }
        file.commit();
      }
    }
    return 0;
  }

  /** An actor with no keys is most likely a mistyped id: say so rather than print nothing and succeed. */
  private int nothingToExport() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("keyspace: actor " + Json.quote(actor) + " has no keys in " + db + "; nothing exported");
    err.flush();
    return Errors.FAILED;
  }

  /** An alarm as an export line: {"alarm":NAME,"due":"<ISO-8601 UTC>","payload":"<hex>"}. */
  static String alarmLine(Alarm a) {
    Map<String, String> line = new LinkedHashMap<>();
    line.put("alarm", a.name());
    line.put("due", AlarmsCommand.iso(a.due()));
    line.put("payload", Hex.encode(a.payload()));
    return Json.write(line);
  }

  /** Writes the actor's entries and alarms; returns how many. */
  private long export(ActorStore store, PrintWriter out) {
    long written = 0;
    Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "export");
    try (ActorStore.StoreSnapshot snapshot = store.snapshot();
        KeyValueIterator it = snapshot.iterator(actor, KeyRange.all(), false)) {
      // The open refused an unfinished copy, but one may have begun since: checked again in the view the
      // keys are read from, so a part of the actor is never exported as the whole of it.
      String source = CopyMarkers.unfinishedCopySource(snapshot.metadata(actor));
      if (source != null) {
        throw new IncompleteCopyException(actor, source);
      }
      Map<String, String> line = new LinkedHashMap<>();
      while (it.hasNext()) {
        KeyValue kv = it.next();
        line.put("key", Hex.encode(kv.key()));
        line.put("value", Hex.encode(kv.value()));
        out.println(Json.write(line));
        written++;
        progress.step();
      }
      // The actor's alarms are its state too: after the keys, from the same snapshot.
      for (Alarm a : snapshot.alarms(actor)) {
        out.println(alarmLine(a));
        written++;
      }
    }
    progress.done();
    return written;
  }
}
