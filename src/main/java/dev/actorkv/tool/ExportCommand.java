package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorStore;
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
            + "(logical keys; nothing of any other actor), read from one consistent snapshot. 'import' is the inverse.")
final class ExportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "directory of the store")
  Path db;

  @Option(names = "--actor", required = true, paramLabel = "ID", description = "the actor to export")
  String actor;

  @Option(names = "--out", paramLabel = "FILE", description = "write to FILE instead of stdout, where the path leads as a shell redirection does: a "
          + "regular file is replaced atomically (synced, then renamed over it), a symbolic link's target is "
          + "written, a FIFO or device is written as it is")
  Path outFile;

  @Override
  public Integer call() {
    try (ActorStore store = StoreAccess.openExisting(db)) {
      StoreAccess.checkActorId(store, actor);
      if (outFile == null) {
        PrintWriter out = spec.commandLine().getOut();
        export(store, out);
        out.flush();
        return 0;
      }
      try (FileOutput file = FileOutput.open(outFile)) {
        export(store, file.writer());
        file.commit();
      }
    }
    return 0;
  }

  private void export(ActorStore store, PrintWriter out) {
    Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "export");
    try (ActorStore.StoreSnapshot snapshot = store.snapshot();
        KeyValueIterator it = snapshot.iterator(actor, KeyRange.all(), false)) {
      Map<String, String> line = new LinkedHashMap<>();
      while (it.hasNext()) {
        KeyValue kv = it.next();
        line.put("key", Hex.encode(kv.key()));
        line.put("value", Hex.encode(kv.value()));
        out.println(Json.write(line));
        progress.step();
      }
    }
    progress.done();
  }
}
