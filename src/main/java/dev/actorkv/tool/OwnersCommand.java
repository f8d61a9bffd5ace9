package dev.actorkv.tool;

import dev.actorkv.store.ActorOwner;
import dev.actorkv.store.ActorStore;
import java.io.PrintWriter;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code keyspace owners DB [--actor ID]}: who owns which actor of a PostgreSQL store, as JSON lines. */
@Command(
    name = "owners",
    mixinStandardHelpOptions = true,
    description =
        "Prints the ownership of every actor that was ever owned (or of one), one JSON object a line: "
            + "{\"actor\":ID,\"node\":NAME,\"epoch\":N,\"lease_expires\":\"ISO-8601 UTC\"} (lease_expires null: released). "
            + "On a PostgreSQL store a command that writes owns each actor it writes while it runs; writing an actor "
            + "another live process owns exits 3 naming it, and a process whose actor was taken over (its lease ran out) "
            + "has every later write refused and exits 3. The epoch grows with every takeover and never goes back. "
            + "A RocksDB store has no owners to print: the one process holding it owns every actor. Reads only; takes no ownership.")
final class OwnersCommand implements Callable<Integer> {
  private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI")
  String db;

  @Option(names = "--actor", paramLabel = "ID", description = "only this actor")
  String actor;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (ActorStore store = StoreAccess.openForReading(db)) {
      if (actor != null) {
        StoreAccess.checkActorId(store, actor);
      }
      for (ActorOwner o : store.owners(actor)) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("actor", o.actorId());
        line.put("node", o.node());
        line.put("epoch", o.epoch());
        line.put("lease_expires", o.leaseExpires() == null ? null : ISO.format(o.leaseExpires()));
        out.println(Json.write(line));
      }
    }
    out.flush();
    return 0;
  }
}
