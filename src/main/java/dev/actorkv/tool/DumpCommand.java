package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.CopyMarkers;
import dev.actorkv.migrate.IncompleteCopyException;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keyspace dump DB [--actor ID] [--json] [--values]}: every actor's keyspace as a tree, or one JSON line per key. */
@Command(
    name = "dump",
    mixinStandardHelpOptions = true,
    description =
        "Shows each actor's keyspace as a tree in the shape of the master layout, with the number of keys "
            + "and the bytes (key + value) under every node; only nodes holding keys are drawn, and keys that do "
            + "not decode are listed under 'undecodable'. Reads one consistent snapshot of the store.")
final class DumpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI")
  String db;

  @Option(names = "--actor", paramLabel = "ID", description = "only this actor")
  String actor;

  @Option(names = "--json", description = "one JSON object per key: {\"actor\":…,\"key\":\"<hex>\",\"describe\":{…},\"value_bytes\":N}")
  boolean json;

  @Option(names = "--values", description = "also show each decoded value")
  boolean values;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int incomplete = 0;
    try (ActorStore store = StoreAccess.openForReading(db); ActorStore.StoreSnapshot snapshot = store.snapshot()) {
      List<String> actors = StoreAccess.selectActors(store, actor, snapshot::actorIds);
      ValueJson decoder = values ? new ValueJson(Inspectors.all()) : null;
      Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "dump");
      for (String id : actors) {
        try {
          store.actor(id);
          // Also as of the snapshot the keys are read from: a copy may have begun since the open above.
          String source = CopyMarkers.unfinishedCopySource(snapshot.metadata(id));
          if (source != null) {
            throw new IncompleteCopyException(id, source);
          }
        } catch (IncompleteCopyException e) {
          // Not shown: a part of the actor's keys would read as the whole actor.
          err.println("keyspace: " + e.getMessage() + "; not dumped");
          incomplete++;
          continue;
        }
        KeyspaceTree tree = dumpActor(snapshot, id, decoder, json ? out : null, progress);
        if (!json) {
          out.print(tree.render());
        }
      }
      progress.done();
    }
    out.flush();
    err.flush();
    return incomplete == 0 ? 0 : Errors.FAILED;
  }

  /**
   * Reads {@code actorId}'s keys from the snapshot into a tree; with {@code jsonOut}, also prints one
   * JSON line per key; with {@code decoder}, shows decoded values (as JSON lines or under the leaves).
   */
  static KeyspaceTree dumpActor(
      ActorStore.StoreSnapshot snapshot, String actorId, ValueJson decoder, PrintWriter jsonOut, Progress progress) {
    KeyspaceTree tree = new KeyspaceTree(actorId);
    try (KeyValueIterator it = snapshot.iterator(actorId, KeyRange.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        long bytes = kv.key().length + kv.value().length;
        KeyDescription d = null;
        String problem = null;
        try {
          d = KeyDescriber.describe(kv.key());
        } catch (KeyFormatException e) {
          problem = e.getMessage();
        }
        Object value = decoder == null ? null : decoder.decode(d, kv.value());
        if (jsonOut != null) {
          Map<String, Object> line = new LinkedHashMap<>();
          line.put("actor", actorId);
          line.put("key", Hex.encode(kv.key()));
          line.put("describe", d != null ? KeyJson.toJsonMap(d) : Map.of("error", problem));
          line.put("value_bytes", kv.value().length);
          if (decoder != null) {
            line.put("value", value);
          }
          jsonOut.println(Json.write(line));
        }
        String listed = decoder == null ? null : Hex.encode(kv.key()) + " = " + Json.write(value);
        if (d != null) {
          tree.add(d.node().path(), bytes, listed);
        } else {
          tree.addUndecodable(bytes, Hex.encode(kv.key()) + ": " + problem + (decoder == null ? "" : " = " + Json.write(value)));
        }
        progress.step();
      }
    }
    return tree;
  }
}
