package dev.actorkv.bench;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Durability;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.tuple.Tuple;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.LiveFileMetaData;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Point gets in one actor whose data was written by one commit of {@code sizeMb} MB (a large SQLite
 * transaction does that), so it sits in one table file of about that size. {@code config=store}: through
 * the store, with its table settings. {@code config=old}: the same keys, values and single write on RocksDB
 * JNI directly with the store's previous table settings (a 32 MiB LRU cache with default sharding, index
 * and filter blocks cached as whole blocks) as the peer in the same run. Before the change, gets in a file
 * over ~100 MB became ~80 times slower: its index and filter blocks no longer fit a cache shard, so every
 * get read and parsed them again.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class LargeActorBench {
  static final String ACTOR = "big";
  static final int VALUE_BYTES = 1000;

  @Param({"10", "100", "1000"})
  int sizeMb;

  @Param({"store", "old"})
  String config;

  Path dir;
  ActorStore store;
  ActorKeyspace actor;
  RocksDB direct;
  Options directOptions;
  LRUCache directCache;
  BloomFilter directFilter;
  byte[] prefix;
  int keys;
  int[] picks;
  int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("bench-large");
    prefix = Tuple.of(ACTOR).pack();
    keys = (int) ((long) sizeMb * 1_000_000 / VALUE_BYTES);
    // Incompressible values, few repeats inside a 4 KiB block: the file is as large as the data.
    SplittableRandom random = new SplittableRandom(42);
    byte[][] values = new byte[4096][VALUE_BYTES];
    for (byte[] v : values) {
      random.nextBytes(v);
    }
    long started = System.nanoTime();
    if (config.equals("store")) {
      try (ActorStore s = ActorStore.open(dir, StoreOptions.DEFAULTS.withDurability(Durability.NONE))) {
        ActorKeyspace a = s.actor(ACTOR);
        ActorBatch batch = a.batch();
        for (int k = 0; k < keys; k++) {
          batch.put(StoreBench.key(k), values[k & (values.length - 1)]);
        }
        a.commit(batch);
      } // closing with Durability.NONE flushes the memtable: one table file
      store = ActorStore.open(dir);
      actor = store.actor(ACTOR);
    } else {
      openDirect();
      try (WriteBatch wb = new WriteBatch(); WriteOptions wo = new WriteOptions().setDisableWAL(true);
          FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
        for (int k = 0; k < keys; k++) {
          wb.put(StoreBench.concat(prefix, StoreBench.key(k)), values[k & (values.length - 1)]);
        }
        direct.write(wo, wb);
        direct.flush(flush);
      }
      closeDirect();
      openDirect(); // a cold cache, as the store's reopen
    }
    long largest = 0;
    try (Options o = new Options(); RocksDB look = RocksDB.openReadOnly(o, dir.toString())) {
      for (LiveFileMetaData f : look.getLiveFilesMetaData()) {
        largest = Math.max(largest, f.size());
      }
    }
    System.err.printf("%n%s %d MB: %d keys written in %.1f s, largest table file %.1f MB%n", config, sizeMb, keys,
        (System.nanoTime() - started) / 1e9, largest / 1e6);
    picks = new int[1 << 16];
    for (int i = 0; i < picks.length; i++) {
      picks[i] = random.nextInt(keys);
    }
  }

  /** The store's table settings before this benchmark's change, copied here. */
  private void openDirect() throws Exception {
    directCache = new LRUCache(32L << 20);
    directFilter = new BloomFilter(10);
    directOptions = new Options().setCreateIfMissing(true).setTableFormatConfig(new BlockBasedTableConfig()
        .setBlockCache(directCache)
        .setFilterPolicy(directFilter)
        .setWholeKeyFiltering(true)
        .setCacheIndexAndFilterBlocks(true)
        .setPinL0FilterAndIndexBlocksInCache(true));
    direct = RocksDB.open(directOptions, dir.toString());
  }

  private void closeDirect() {
    direct.close();
    directOptions.close();
    directFilter.close();
    directCache.close();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (store != null) {
      store.close();
    }
    if (direct != null) {
      closeDirect();
    }
    StoreBench.deleteTree(dir);
  }

  @Benchmark
  public byte[] get() throws Exception {
    int k = picks[next++ & (picks.length - 1)];
    return store != null ? actor.get(StoreBench.key(k)) : direct.get(StoreBench.concat(prefix, StoreBench.key(k)));
  }
}
