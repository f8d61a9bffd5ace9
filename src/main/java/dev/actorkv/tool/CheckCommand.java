package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.IncompleteCopyException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.AlarmProblem;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import dev.actorkv.store.StoreException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code keyspace check DB [--actor ID]}: every key decodes, counts match, every manager invariant holds. */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description =
        "Verifies, for every actor (or one): every key decodes; the recorded storage count equals a scan; "
            + "no legacy-layout keys are left (else: run keyspace migrate); and every invariant of the managers' "
            + "inspectors; and that the store-wide due-time index of alarms matches the actors' alarms. Prints each problem naming the actor and key and exits 1; prints a summary and exits 0 "
            + "when everything holds.")
final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "the store: a directory, or a postgresql:// URI")
  String db;

  @Option(names = "--actor", paramLabel = "ID", description = "only this actor")
  String actor;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    CheckReport report = new CheckReport();
    List<NamespaceInspector> inspectors = Inspectors.all();
    int actors = 0;
    try (ActorStore store = StoreAccess.openForReading(db)) {
      List<String> ids = StoreAccess.selectActors(store, actor, () -> listActors(store, report));
      Progress progress = Progress.onTerminal(spec.commandLine().getErr(), "check");
      for (String id : ids) {
        ActorKeyspace a;
        try {
          a = store.actor(id);
        } catch (IncompleteCopyException e) {
          report.problem(id, e.getMessage()); // its keys are a part of the actor's: nothing to check them against
          actors++;
          continue;
        }
        checkActor(a, inspectors, report, progress);
        actors++;
      }
      progress.done();
      checkAlarms(store, actor, report);
    }
    for (String p : report.problems()) {
      out.println(p);
    }
    int n = report.problems().size();
    if (n == 0) {
      out.println("ok: " + actors + (actors == 1 ? " actor, " : " actors, ") + report.keysChecked() + " keys checked");
    } else {
      out.println(n + (n == 1 ? " problem" : " problems") + " in " + actors + (actors == 1 ? " actor, " : " actors, ")
          + report.keysChecked() + " keys checked");
    }
    out.flush();
    return n == 0 ? 0 : Errors.FAILED;
  }

  /**
   * The alarms against the store-wide due-time index (a missing or extra index entry, an alarm that does
   * not decode, an alarm of no actor): each named, as a problem of the store; with --actor, that actor's.
   */
  static void checkAlarms(ActorStore store, String actorId, CheckReport report) {
    for (AlarmProblem p : store.checkAlarms()) {
      if (actorId == null || actorId.equals(p.actorId())) {
        report.storeProblem("alarms: " + p.describe());
      }
    }
  }

  private static List<String> listActors(ActorStore store, CheckReport report) {
    try (ActorStore.StoreSnapshot snapshot = store.snapshot()) {
      return snapshot.actorIds();
    } catch (StoreException e) {
      // A key outside every actor: report it, and still check the actors that have records.
      report.storeProblem(e.getMessage());
      return store.actorIds();
    }
  }

  static void checkActor(ActorKeyspace actor, List<NamespaceInspector> inspectors, CheckReport report, Progress progress) {
    String id = actor.actorId();
    long legacy = 0;
    String firstLegacy = null;
    try (KeyValueIterator it = actor.iterator(KeyRange.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        report.countKey();
        progress.step();
        try {
          KeyDescription d = KeyDescriber.describe(kv.key());
          if (d.isLegacy()) {
            if (legacy++ == 0) {
              firstLegacy = Hex.encode(kv.key());
            }
          }
        } catch (KeyFormatException e) {
          report.problem(id, "key " + Hex.encode(kv.key()) + " does not decode: " + e.getMessage());
        }
      }
    }
    if (legacy > 0) {
      report.problem(id, legacy + (legacy == 1 ? " key is" : " keys are") + " in the legacy layout (first: " + firstLegacy
          + "): run keyspace migrate");
    }
    long recorded = actor.recordedStorageBytes();
    long scanned = actor.scanStorageBytes();
    if (recorded < 0 && scanned > 0) {
      report.problem(id, "storage record is missing or corrupt; a scan counts " + scanned + " bytes");
    } else if (recorded >= 0 && recorded != scanned) {
      report.problem(id, "recorded storage count " + recorded + " bytes does not match a scan: " + scanned + " bytes");
    }
    for (NamespaceInspector inspector : inspectors) {
      try {
        for (String problem : inspector.audit().problems(actor)) {
          report.problem(actor.actorId(), problem);
        }
      } catch (RuntimeException e) {
        report.problem(id, KeyJson.name(inspector.namespace()) + " check failed: " + e.getMessage());
      }
    }
  }
}
