package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** RocksDB's own info logs do not pile up in a store's directory however often the store is opened. */
class StoreInfoLogTest {
  @TempDir Path dir;

  @Test
  void thirtyOpensKeepAtMostTheCappedNumberOfOldInfoLogs() throws IOException {
    for (int i = 0; i < 30; i++) {
      try (ActorStore store = ActorStore.open(dir)) {
        store.actor("a").put(ActorKeys.persistedData(), new byte[] {(byte) i});
      }
    }
    List<String> oldLogs = names("LOG.old.");
    assertTrue(oldLogs.size() <= RocksDbOpener.KEPT_INFO_LOGS,
        () -> oldLogs.size() + " old info logs after 30 opens, at most " + RocksDbOpener.KEPT_INFO_LOGS + " kept: " + oldLogs);
    assertTrue(Files.exists(dir.resolve("LOG")), "the current info log is still written");
    assertTrue(Files.size(dir.resolve("LOG")) <= RocksDbOpener.MAX_INFO_LOG_BYTES, "the info log is capped in size");
  }

  private List<String> names(String prefix) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix)).sorted().toList();
    }
  }
}
