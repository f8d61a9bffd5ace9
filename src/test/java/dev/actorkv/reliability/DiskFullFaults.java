package dev.actorkv.reliability;

import dev.actorkv.store.FaultInjector;
import dev.actorkv.store.StoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A simulated full disk: once the store's directory holds {@code budgetBytes} or more, every write and
 * sync fails with {@link DiskFullException} before it reaches RocksDB, the way a volume quota would
 * refuse them. Reads keep working.
 */
final class DiskFullFaults implements FaultInjector {
  /** The disk holding the store is full. */
  static final class DiskFullException extends StoreException {
    DiskFullException(Path directory, long used, long budget) {
      super("disk full: " + directory + " uses " + used + " bytes of its " + budget + "-byte budget; free space and retry");
    }
  }

  private final Path directory;
  private final long budgetBytes;
  private final AtomicLong refused = new AtomicLong();

  DiskFullFaults(Path directory, long budgetBytes) {
    this.directory = directory;
    this.budgetBytes = budgetBytes;
  }

  /** Bytes of all files under {@code directory}. */
  static long usedBytes(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // RocksDB deleted the file while we walked
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long refused() {
    return refused.get();
  }

  private void check() {
    long used = usedBytes(directory);
    if (used >= budgetBytes) {
      refused.incrementAndGet();
      throw new DiskFullException(directory, used, budgetBytes);
    }
  }

  @Override
  public void beforeWrite(String actorId, int operations) {
    check();
  }

  @Override
  public void beforeSync() {
    check();
  }
}
