package dev.actorkv.bench;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.tuple.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Point get, put (overwrite with a different size, so the exact storage count changes) and a 10-entry
 * range scan through the store, against the same operations on RocksDB JNI directly with the same
 * options (default Options, WAL on, no fsync) in the same run. The same 100 000 keys are spread over
 * 10 or 10 000 actors, to show that the per-operation cost does not grow with the number of actors.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class StoreBench {
  static final int TOTAL_KEYS = 100_000;
  static final int SCAN = 10;

  @Param({"10", "10000"})
  int actors;

  Path storeDir;
  Path directDir;
  ActorStore store;
  RocksDB direct;
  Options directOptions;
  WriteOptions directWrite;

  String[] actorIds;
  byte[][] actorPrefixes;
  byte[][] actorEnds;
  /** Logical keys of actor i: {@code 04 + u32be(j)}. */
  int keysPerActor;
  byte[][] values;
  long[] picks;
  int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RocksDB.loadLibrary();
    storeDir = Files.createTempDirectory("bench-store");
    directDir = Files.createTempDirectory("bench-direct");
    store = ActorStore.open(storeDir);
    directOptions = new Options().setCreateIfMissing(true);
    direct = RocksDB.open(directOptions, directDir.toString());
    directWrite = new WriteOptions();
    keysPerActor = TOTAL_KEYS / actors;
    actorIds = new String[actors];
    actorPrefixes = new byte[actors][];
    actorEnds = new byte[actors][];
    SplittableRandom random = new SplittableRandom(42);
    values = new byte[64][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new byte[90 + random.nextInt(21)];
      random.nextBytes(values[i]);
    }
    for (int a = 0; a < actors; a++) {
      actorIds[a] = "actor-" + a;
      actorPrefixes[a] = Tuple.of(actorIds[a]).pack();
      actorEnds[a] = concat(actorPrefixes[a], new byte[] {(byte) 0xff});
      ActorKeyspace ks = store.actor(actorIds[a]);
      ActorBatch batch = ks.batch();
      try (WriteBatch wb = new WriteBatch()) {
        for (int k = 0; k < keysPerActor; k++) {
          byte[] v = values[random.nextInt(values.length)];
          batch.put(key(k), v);
          wb.put(concat(actorPrefixes[a], key(k)), v);
        }
        ks.commit(batch);
        direct.write(directWrite, wb);
      }
    }
    counters = new long[actors];
    counterKeys = new byte[actors][];
    for (int a = 0; a < actors; a++) {
      counterKeys[a] = concat(new byte[] {(byte) 0xff, 0x02}, actorPrefixes[a]);
    }
    picks = new long[1 << 16];
    for (int i = 0; i < picks.length; i++) {
      picks[i] = ((long) random.nextInt(actors) << 32) | random.nextInt(keysPerActor);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    store.close();
    directWrite.close();
    direct.close();
    directOptions.close();
    deleteTree(storeDir);
    deleteTree(directDir);
  }

  static byte[] key(int k) {
    return new byte[] {4, (byte) (k >>> 24), (byte) (k >>> 16), (byte) (k >>> 8), (byte) k};
  }

  static byte[] concat(byte[] x, byte[] y) {
    byte[] out = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }

  private long pick() {
    return picks[next++ & (picks.length - 1)];
  }

  @Benchmark
  public byte[] getStore() {
    long p = pick();
    return store.actor(actorIds[(int) (p >>> 32)]).get(key((int) p));
  }

  @Benchmark
  public byte[] getDirect() throws Exception {
    long p = pick();
    return direct.get(concat(actorPrefixes[(int) (p >>> 32)], key((int) p)));
  }

  @Benchmark
  public void putStore() {
    long p = pick();
    store.actor(actorIds[(int) (p >>> 32)]).put(key((int) p), values[next & (values.length - 1)]);
  }

  @Benchmark
  public void putDirect() throws Exception {
    long p = pick();
    direct.put(directWrite, concat(actorPrefixes[(int) (p >>> 32)], key((int) p)), values[next & (values.length - 1)]);
  }

  /**
   * What exact storage accounting costs by hand on raw RocksDB: read the old value's length, then write
   * the value and a per-actor counter in one WriteBatch. Separates the cost of the semantics (a read
   * before every write, a second entry per commit) from the store's own overhead.
   */
  @Benchmark
  public void putDirectAccounted() throws Exception {
    long p = pick();
    int a = (int) (p >>> 32);
    byte[] physical = concat(actorPrefixes[a], key((int) p));
    byte[] value = values[next & (values.length - 1)];
    int old = direct.get(physical, NO_VALUE);
    counters[a] += value.length - (old == RocksDB.NOT_FOUND ? -physical.length : old);
    try (WriteBatch wb = new WriteBatch()) {
      wb.put(physical, value);
      wb.put(counterKeys[a], java.nio.ByteBuffer.allocate(8).putLong(counters[a]).array());
      direct.write(directWrite, wb);
    }
  }

  /** Keys per batch in the batch benchmarks: about what one workflow step or queue send commits. */
  static final int BATCH = 5;

  /** One commit of {@code BATCH} distinct existing keys of one actor, sizes changing. */
  @Benchmark
  public void putBatchStore() {
    long p = pick();
    ActorKeyspace ks = store.actor(actorIds[(int) (p >>> 32)]);
    ActorBatch batch = ks.batch();
    for (int i = 0; i < BATCH; i++) {
      batch.put(key(((int) p + i) % keysPerActor), values[(next + i) & (values.length - 1)]);
    }
    ks.commit(batch);
  }

  /** The same keys and values as one raw WriteBatch (no accounting, no checks). */
  @Benchmark
  public void putBatchDirect() throws Exception {
    long p = pick();
    byte[] prefix = actorPrefixes[(int) (p >>> 32)];
    try (WriteBatch wb = new WriteBatch()) {
      for (int i = 0; i < BATCH; i++) {
        wb.put(concat(prefix, key(((int) p + i) % keysPerActor)), values[(next + i) & (values.length - 1)]);
      }
      direct.write(directWrite, wb);
    }
  }

  static final byte[] NO_VALUE = new byte[0];
  long[] counters;
  byte[][] counterKeys;

  @Benchmark
  public List<KeyValue> scanStore() {
    long p = pick();
    return store.actor(actorIds[(int) (p >>> 32)]).scan(KeyRange.of(key((int) p), new byte[0]), SCAN);
  }

  @Benchmark
  public List<byte[][]> scanDirect() {
    long p = pick();
    int a = (int) (p >>> 32);
    List<byte[][]> out = new ArrayList<>(SCAN);
    try (Slice lo = new Slice(concat(actorPrefixes[a], key((int) p)));
        Slice hi = new Slice(actorEnds[a]);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi);
        RocksIterator it = direct.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid() && out.size() < SCAN; it.next()) {
        out.add(new byte[][] {it.key(), it.value()});
      }
    }
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
