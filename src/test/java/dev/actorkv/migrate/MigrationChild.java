package dev.actorkv.migrate;

import dev.actorkv.store.ActorStore;
import java.nio.file.Path;

/**
 * Child JVM of {@link MigrationCrashTest}: migrates one actor, printing "batch N committed" after each
 * commit. With a stop batch > 0 it then waits forever after that batch, so that the parent's SIGKILL
 * lands exactly on that batch boundary. Args: DIR ACTOR BATCH_SIZE STOP_AFTER_BATCH.
 */
public final class MigrationChild {
  private MigrationChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    String actor = args[1];
    int batchSize = Integer.parseInt(args[2]);
    long stopAfter = Long.parseLong(args[3]);
    try (ActorStore store = ActorStore.open(dir)) {
      MigrationListener listener = (id, batch, soFar) -> {
        System.out.println("batch " + batch + " committed");
        System.out.flush();
        if (batch == stopAfter) {
          try {
            Thread.sleep(Long.MAX_VALUE);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
      };
      new Migrator(MigrationOptions.defaults().withBatchSize(batchSize).withListener(listener)).migrate(store.actor(actor));
    }
    System.out.println("done");
  }
}
