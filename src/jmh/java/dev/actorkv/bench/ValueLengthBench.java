package dev.actorkv.bench;

import java.nio.file.Files;
import java.nio.file.Path;
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
import org.rocksdb.Holder;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/**
 * Ways to learn the length of the value at a key (the read-before-write of the store's exact storage
 * accounting), on RocksDB JNI directly with the store's table options: {@code keyMayExist} with a value
 * holder then a zero-copy {@code get} (the store's first way), {@code keyMayExist} without a holder then
 * the {@code get} (the store's way now, for keys its last commit did not write), the same on direct
 * buffers, and the zero-copy {@code get} alone. For a key that is absent, or present in the memtable
 * with a 16-byte or a 4 KiB value.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class ValueLengthBench {
  private static final byte[] NO_VALUE = new byte[0];
  private static final int KEYS = 1024;

  /** Value size of the keys read; -1: the keys are absent. */
  @Param({"-1", "16", "4096"})
  int valueSize;

  Path dir;
  Options options;
  BloomFilter filter;
  RocksDB db;
  byte[][] keys;
  int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RocksDB.loadLibrary();
    dir = Files.createTempDirectory("bench-valuelength");
    filter = new BloomFilter(10);
    options = new Options().setCreateIfMissing(true)
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter).setWholeKeyFiltering(true)
            .setCacheIndexAndFilterBlocks(true).setPinL0FilterAndIndexBlocksInCache(true));
    db = RocksDB.open(options, dir.toString());
    keys = new byte[KEYS][];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = new byte[] {0x02, 'a', 0x00, 0x15, (byte) (i >> 8), (byte) i};
      if (valueSize >= 0) {
        db.put(keys[i], new byte[valueSize]);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    db.close();
    options.close();
    filter.close();
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private byte[] nextKey() {
    return keys[next++ & (KEYS - 1)];
  }

  @Benchmark
  public int holderThenGet() throws Exception {
    byte[] key = nextKey();
    Holder<byte[]> inMemory = new Holder<>();
    if (!db.keyMayExist(key, inMemory)) {
      return -1;
    }
    if (inMemory.getValue() != null) {
      return inMemory.getValue().length;
    }
    return db.get(key, NO_VALUE);
  }

  @Benchmark
  public int mayExistThenGet() throws Exception {
    byte[] key = nextKey();
    if (!db.keyMayExist(key, null)) {
      return -1;
    }
    return db.get(key, NO_VALUE);
  }

  private final java.nio.ByteBuffer keyBuffer = java.nio.ByteBuffer.allocateDirect(256);
  private final java.nio.ByteBuffer noValue = java.nio.ByteBuffer.allocateDirect(0);

  /** keyMayExist on direct buffers: the length of a value found in memory without copying it. */
  @Benchmark
  public int directMayExistThenGet() throws Exception {
    byte[] key = nextKey();
    keyBuffer.clear().put(key).flip();
    org.rocksdb.KeyMayExist r = db.keyMayExist(keyBuffer, noValue.clear());
    return switch (r.exists) {
      case kNotExist -> -1;
      case kExistsWithValue -> r.valueLength;
      case kExistsWithoutValue -> db.get(key, NO_VALUE);
    };
  }

  @Benchmark
  public int getOnly() throws Exception {
    return db.get(nextKey(), NO_VALUE);
  }
}
