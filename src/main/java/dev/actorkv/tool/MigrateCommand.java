package dev.actorkv.tool;

import dev.actorkv.keyspace.Namespace;
import dev.actorkv.migrate.ConflictPolicy;
import dev.actorkv.migrate.LegacyChange;
import dev.actorkv.migrate.MigrationCounts;
import dev.actorkv.migrate.MigrationException;
import dev.actorkv.migrate.MigrationListener;
import dev.actorkv.migrate.MigrationOptions;
import dev.actorkv.migrate.Migrator;
import dev.actorkv.migrate.NamespaceCounts;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.LimitExceededException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code keyspace migrate DB [--actor ID] [--dry-run] [--prefer legacy|v1] [--batch-size N]}: moves
 * legacy-layout data to layout v1 (ACTOR_KV_STRUCTURE.md section 2) with {@link Migrator}, for one actor or every
 * actor of the store. A dry run writes nothing and prints one JSON line per legacy key saying what would
 * happen to it, then the summary. A real run shows progress on stderr when it is a terminal and ends
 * with counts per actor and namespace. An actor that stops (conflict, undecodable legacy key) is named
 * on stderr and the others go on; the exit code is then 1. The same holds for an actor whose v1 keys
 * (one to two bytes longer than legacy keys) would exceed its storage limit.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = "Move legacy-layout (pre-v1) data to layout v1, in atomic batches that resume after a crash.")
final class MigrateCommand implements Callable<Integer> {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @CommandLine.Mixin LeaseMixin lease = new LeaseMixin();

  @Parameters(index = "0", paramLabel = "DB", description = "The store: a directory, or a postgresql:// URI (created when missing or empty, unless --dry-run).")
  String db;

  @Option(names = "--actor", paramLabel = "ID", description = "Migrate only this actor (default: every actor).")
  String actor;

  @Option(names = "--dry-run", description = "Write nothing; list what would move, be dropped or conflict.")
  boolean dryRun;

  @Option(names = "--prefer", paramLabel = "legacy|v1",
      description = "When a key exists in both layouts with different values, which side wins (default: stop).")
  String prefer;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "" + MigrationOptions.DEFAULT_BATCH_SIZE,
      description = "Legacy keys per atomic batch (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    MigrationOptions options = options();
    int failed = 0;
    Map<String, MigrationCounts> perActor = new LinkedHashMap<>();
    try (ActorStore store = dryRun ? StoreAccess.openForReading(db) : StoreAccess.openForWriting(db, lease)) {
      List<String> ids = StoreAccess.selectActors(store, actor, store::actorIds);
      for (String id : ids) {
        try {
          perActor.put(id, dryRun ? plan(store, id, options, out) : migrate(store, id, options, err));
        } catch (MigrationException e) {
          failed++;
          err.println("keyspace: " + e.getMessage());
          err.flush();
        } catch (LimitExceededException e) {
          // v1 keys are longer than legacy ones: an actor near its storage quota cannot grow into them.
          failed++;
          err.println("keyspace: migration of actor " + Json.quote(id) + " stopped: " + e.getMessage()
              + "; raise the actor's storage limit or free space, then run the migration again");
          err.flush();
        }
      }
    }
    printSummary(out, perActor);
    out.flush();
    return failed == 0 ? 0 : Errors.FAILED;
  }

  private static MigrationCounts plan(ActorStore store, String id, MigrationOptions options, PrintWriter out) {
    return new Migrator(options).plan(store.actor(id), change -> out.println(changeJson(id, change)));
  }

  private static MigrationCounts migrate(ActorStore store, String id, MigrationOptions options, PrintWriter err) {
    Progress progress = Progress.onTerminal(err, "migrating actor " + Json.quote(id));
    MigrationListener listener = (actorId, batch, soFar) -> progress.advanceTo(soFar.total().legacyKeys());
    try {
      return new Migrator(options.withListener(listener)).migrate(store.actor(id)).counts();
    } finally {
      progress.done();
    }
  }

  private MigrationOptions options() {
    // Checked here, as user input, before the library's own argument checks could see it.
    if (batchSize < 1 || batchSize > MigrationOptions.MAX_BATCH_SIZE) {
      throw new Errors.UserError("--batch-size: batch size must be in [1, " + MigrationOptions.MAX_BATCH_SIZE + "], got " + batchSize);
    }
    if (prefer != null && !prefer.equals("legacy") && !prefer.equals("v1")) {
      throw new Errors.UserError("--prefer must be legacy or v1, got " + Json.quote(prefer));
    }
    MigrationOptions options = MigrationOptions.defaults().withBatchSize(batchSize);
    return prefer == null ? options : options.withConflictPolicy(ConflictPolicy.preferring(prefer));
  }

  private static String changeJson(String actorId, LegacyChange c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("actor", actorId);
    m.put("action", c.action().label());
    m.put("key", Hex.encode(c.legacyKey()));
    m.put("to", c.v1Key() == null ? null : Hex.encode(c.v1Key()));
    m.put("describe", KeyJson.toJsonMap(c.legacy()));
    m.put("value_bytes", c.valueBytes());
    return Json.write(m);
  }

  /** One line per actor and namespace with anything to report, then a total line. */
  private void printSummary(PrintWriter out, Map<String, MigrationCounts> perActor) {
    String verb = dryRun ? "would be " : "";
    MigrationCounts grand = MigrationCounts.ZERO;
    long actorsWithLegacy = 0;
    for (Map.Entry<String, MigrationCounts> e : perActor.entrySet()) {
      MigrationCounts counts = e.getValue();
      if (counts.total().legacyKeys() == 0) {
        continue;
      }
      actorsWithLegacy++;
      for (Namespace ns : MigrationCounts.NAMESPACES) {
        NamespaceCounts c = counts.of(ns);
        if (!c.isZero()) {
          out.println("actor " + Json.quote(e.getKey()) + " " + KeyJson.name(ns) + ": " + describe(c, verb));
        }
      }
      grand = grand.plus(counts);
    }
    out.println((dryRun ? "dry run, nothing written: " : "migrated: ") + actorsWithLegacy + " of " + perActor.size()
        + (perActor.size() == 1 ? " actor" : " actors") + " had legacy keys; total " + describe(grand.total(), verb));
  }

  private static String describe(NamespaceCounts c, String verb) {
    List<String> parts = new ArrayList<>();
    parts.add(c.moved() + " " + verb + "moved");
    parts.add(c.dropped() + " " + verb + "dropped");
    if (c.identical() > 0) {
      parts.add(c.identical() + " already identical in v1");
    }
    if (c.keptLegacy() > 0) {
      parts.add(c.keptLegacy() + " conflicts " + verb + "resolved keeping legacy");
    }
    if (c.keptV1() > 0) {
      parts.add(c.keptV1() + " conflicts " + verb + "resolved keeping v1");
    }
    if (c.conflicts() > 0) {
      parts.add(c.conflicts() + " conflicts (need --prefer legacy|v1)");
    }
    return String.join(", ", parts) + " (" + c.legacyKeys() + (c.legacyKeys() == 1 ? " legacy key, " : " legacy keys, ")
        + c.legacyBytes() + " bytes)";
  }
}
