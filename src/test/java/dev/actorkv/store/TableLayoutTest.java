package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.SstFileReader;
import org.rocksdb.TableProperties;

/**
 * The table layout that keeps gets in a large actor as fast as in a small one (issue 16: gets slowed
 * down ~80x once one table file exceeded ~100 MB, because its whole index and filter no longer fit a
 * block-cache shard and were read again for every get). A table file the store writes has a partitioned
 * index and partitioned filters, so what a get needs is a small top level and one small partition each.
 * The speed itself is measured by {@code LargeActorBench}; this checks the layout a file gets.
 */
class TableLayoutTest {
  @TempDir Path dir;

  @Test
  void aTableFileFromOneLargeCommitHasAPartitionedIndexAndFilter() throws Exception {
    SplittableRandom random = new SplittableRandom(16);
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withDurability(Durability.NONE))) {
      ActorKeyspace a = store.actor("large");
      ActorBatch batch = a.batch();
      for (int i = 0; i < 20_000; i++) {
        byte[] value = new byte[1000];
        random.nextBytes(value); // incompressible: the file is as large as the data (20 MB)
        batch.put(new byte[] {4, 'k', (byte) (i >> 16), (byte) (i >> 8), (byte) i}, value);
      }
      a.commit(batch);
    } // closing a store without a write-ahead log flushes the memtable: one table file

    List<Path> tables;
    try (Stream<Path> s = Files.list(dir)) {
      tables = s.filter(p -> p.getFileName().toString().endsWith(".sst")).toList();
    }
    Path largest = tables.stream().max((x, y) -> Long.compare(x.toFile().length(), y.toFile().length())).orElseThrow();
    assertTrue(Files.size(largest) > 19_000_000, "one table file holds the commit: " + Files.size(largest));
    RocksDB.loadLibrary();
    try (Options options = new Options(); SstFileReader reader = new SstFileReader(options)) {
      reader.open(largest.toString());
      TableProperties p = reader.getTableProperties();
      // About 5000 data blocks: an index of ~150 KB in 4 KiB partitions under a top level of a few KB.
      assertTrue(p.getIndexPartitions() > 10, "index partitions: " + p.getIndexPartitions());
      assertTrue(p.getTopLevelIndexSize() < 8192, "top-level index: " + p.getTopLevelIndexSize() + " of " + p.getIndexSize());
      assertEquals("bloomfilter", p.getFilterPolicyName());
    }
    // Partitioned filters are named so in the file's meta-index block (a whole-file filter is "fullfilter.").
    String raw = new String(Files.readAllBytes(largest), StandardCharsets.ISO_8859_1);
    assertTrue(raw.contains("partitionedfilter.rocksdb.BuiltinBloomFilter"), "the filter is partitioned");
    assertTrue(!raw.contains("fullfilter.rocksdb.BuiltinBloomFilter"), "no whole-file filter");
  }
}
