package dev.actorkv.tool;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.DamagedStoreException;
import dev.actorkv.store.IncompatibleStoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.StoreRepair;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keyspace repair DB [--backup DIR]}: the explicit repair of a store the ordinary open refuses as
 * damaged ({@link StoreRepair}). Copies the store aside first, then recovers it and prints what it did
 * and what was dropped. A store that opens as it is is left alone.
 */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    description = "Repair a damaged store (store files without CURRENT, a write-ahead log damaged in its middle): "
        + "copies the store directory to DB.damaged-<UTC time> (or --backup DIR) first, then keeps the write-ahead "
        + "log up to its first damaged record and prints what was dropped. Does nothing to a store that opens as it is.")
final class RepairCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DB", description = "directory of the store")
  Path db;

  @Option(names = "--backup", paramLabel = "DIR", description = "where to copy the store first (new or empty directory)")
  Path backup;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isDirectory(db)) {
      throw new Errors.UserError("no store at " + db + ": not a directory");
    }
    try (ActorStore store = ActorStore.open(db, StoreOptions.forReading())) {
      out.println("store at " + db + " opens as it is: nothing to repair");
      out.flush();
      return 0;
    } catch (DamagedStoreException e) {
      out.println("damaged: " + e.getMessage());
    } catch (IncompatibleStoreException e) {
      throw new Errors.UserError(e.getMessage());
    }
    StoreRepair.Report report;
    try {
      report = backup == null ? StoreRepair.repair(db) : StoreRepair.repair(db, backup);
    } catch (IncompatibleStoreException | DamagedStoreException e) {
      throw new Errors.UserError(e.getMessage());
    } catch (dev.actorkv.store.StoreException e) {
      throw new Errors.UserError("repair failed: " + e.getMessage(), Errors.FAILED);
    }
    for (String line : report.describe()) {
      out.println(line);
    }
    out.println("repaired: the store at " + db + " opens again");
    out.flush();
    return 0;
  }
}
