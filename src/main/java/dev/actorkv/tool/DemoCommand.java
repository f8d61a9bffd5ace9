package dev.actorkv.tool;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keyspace demo DB}: writes a sample actor through the library and prints its tree. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Writes a sample actor (\"" + DemoCommand.ACTOR + "\") that uses every namespace through the library "
            + "(persisted state, connections, inspector token, user KV, then each manager's demo), and prints its "
            + "tree as 'dump' does. Creates the store when DB is new; running it again rewrites the actor from scratch.")
final class DemoCommand implements Callable<Integer> {
  static final String ACTOR = "demo-actor";

  @Spec CommandSpec spec;

  @picocli.CommandLine.Mixin LeaseMixin lease = new LeaseMixin();

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI (created when missing or empty)")
  String db;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (ActorStore store = StoreAccess.openForWriting(db, lease)) {
      ActorKeyspace actor = store.actor(ACTOR);
      // A fresh sample each run: the managers append (queue messages, spans), so rewriting in place
      // would grow the actor on every run.
      actor.deleteAll();
      writeStoreDemo(actor);
      for (NamespaceInspector inspector : Inspectors.all()) {
        inspector.writeDemo(actor);
      }
      try (ActorStore.StoreSnapshot snapshot = store.snapshot()) {
        out.print(DumpCommand.dumpActor(snapshot, ACTOR, null, null, Progress.onTerminal(spec.commandLine().getErr(), "demo")).render());
      }
    }
    out.flush();
    return 0;
  }

  /** The store's own namespaces, as one atomic write (re-running overwrites the same keys). */
  static void writeStoreDemo(ActorKeyspace actor) {
    actor.commit(actor.batch()
        .put(ActorKeys.persistedData(), utf8("{\"greeting\":\"hello\",\"visits\":3}"))
        .put(ActorKeys.connection("conn-1"), utf8("{\"user\":\"ada\",\"subscribed\":[\"news\"]}"))
        .put(ActorKeys.connection("conn-2"), utf8("{\"user\":\"grace\",\"subscribed\":[]}"))
        .put(ActorKeys.inspectorToken(), utf8("insp_7f3a9c2e41d84b6f"))
        .put(ActorKeys.userKv(utf8("config/theme")), utf8("dark"))
        .put(ActorKeys.userKv(utf8("counter")), ByteBuffer.allocate(8).putLong(42).array())
        .put(ActorKeys.userKv(utf8("profile/ada")), utf8("{\"name\":\"Ada Lovelace\"}")));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
