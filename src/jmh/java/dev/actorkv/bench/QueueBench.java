package dev.actorkv.bench;

import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.QueueCodec;
import dev.actorkv.queue.QueueOptions;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.tuple.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * One enqueue + completable receive + complete cycle through {@link ActorQueue}, against the same three
 * writes as raw RocksDB WriteBatches of the same bytes (message put + metadata put; leased message put;
 * message delete + metadata put) with the same durability (WAL, no fsync), and against the same three
 * batches committed through the store's {@link ActorKeyspace#commit}. All in the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class QueueBench {
  private static final byte[] BODY = "{\"task\":\"resize\",\"image\":\"cat-000001.png\",\"width\":128,\"height\":128}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private Path dir;
  private ActorStore store;
  private ActorQueue queue;
  private RocksDB raw;
  private Options rawOptions;
  private WriteOptions rawWrite;
  private byte[] prefix;
  private long rawNextId = 1;
  private ActorKeyspace floor;
  private long floorNextId = 1;

  @Setup(Level.Trial)
  public void setUp() throws IOException, RocksDBException {
    dir = Files.createTempDirectory("queue-bench");
    store = ActorStore.open(dir.resolve("queue"));
    queue = ActorQueue.open(store.actor("bench"), QueueOptions.defaults().withMaxSize(1_000_000));
    RocksDB.loadLibrary();
    rawOptions = new Options().setCreateIfMissing(true);
    raw = RocksDB.open(rawOptions, dir.resolve("raw").toString());
    rawWrite = new WriteOptions();
    prefix = Tuple.of("bench").pack();
    floor = store.actor("floor");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    queue.close();
    store.close();
    raw.close();
    rawOptions.close();
    rawWrite.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Object queueCycle() throws InterruptedException {
    queue.enqueue("job", BODY);
    List<Message> got = queue.receiveCompletable(List.of(), 1, Duration.ZERO);
    queue.complete(got.getFirst(), null);
    return got;
  }

  @Benchmark
  public long rawWriteBatches() throws RocksDBException {
    long id = rawNextId++;
    long now = System.currentTimeMillis();
    byte[] key = physical(QueueKeys.message(id));
    byte[] meta = physical(QueueKeys.metadata());
    QueueCodec.StoredMessage m = new QueueCodec.StoredMessage("job", BODY, now, 0, 0, false);
    try (WriteBatch wb = new WriteBatch()) {
      wb.put(key, QueueCodec.encode(m));
      wb.put(meta, QueueCodec.encode(new QueueCodec.Metadata(id + 1, 1)));
      raw.write(rawWrite, wb);
    }
    try (WriteBatch wb = new WriteBatch()) {
      wb.put(key, QueueCodec.encode(new QueueCodec.StoredMessage("job", BODY, now, 1, now + 30_000, false)));
      raw.write(rawWrite, wb);
    }
    try (WriteBatch wb = new WriteBatch()) {
      wb.delete(key);
      wb.put(meta, QueueCodec.encode(new QueueCodec.Metadata(id + 1, 0)));
      raw.write(rawWrite, wb);
    }
    return id;
  }

  /**
   * The same three batches through {@link ActorKeyspace#commit} (limits, exact storage accounting,
   * atomic actor record): the floor any manager on the store pays, to separate queue cost from store cost.
   */
  @Benchmark
  public long storeCommits() {
    long id = floorNextId++;
    long now = System.currentTimeMillis();
    byte[] key = QueueKeys.message(id);
    byte[] meta = QueueKeys.metadata();
    floor.commit(floor.batch()
        .put(key, QueueCodec.encode(new QueueCodec.StoredMessage("job", BODY, now, 0, 0, false)))
        .put(meta, QueueCodec.encode(new QueueCodec.Metadata(id + 1, 1))));
    floor.commit(floor.batch().put(key, QueueCodec.encode(new QueueCodec.StoredMessage("job", BODY, now, 1, now + 30_000, false))));
    floor.commit(floor.batch().delete(key).put(meta, QueueCodec.encode(new QueueCodec.Metadata(id + 1, 0))));
    return id;
  }

  private byte[] physical(byte[] logical) {
    byte[] out = new byte[prefix.length + logical.length];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    System.arraycopy(logical, 0, out, prefix.length, logical.length);
    return out;
  }
}
