package dev.actorkv.bench;

import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.tuple.Tuple;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pack + unpack of typical keys of each namespace: our tuple codec against fdb-java's Tuple, in the same
 * run. Each benchmark builds the tuple from its values, packs it after the namespace prefix, and decodes
 * the suffix back, the way a manager writes a key and later reads it back. Inputs live in fields so the
 * JIT cannot fold them.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBench {
  private static final byte[] TRACES = {0x07, 0x01};
  private static final byte[] WORKFLOW = {0x06, 0x01};
  private static final byte[] QUEUE = {0x05, 0x01};

  long tag;
  long bucket;
  long chunk;
  long name;
  long loop;
  long iteration;
  long step;
  String entryId;
  long queueId;
  String actorId;
  String s1;
  String s2;
  String s3;
  String s4;

  @Setup
  public void setup() {
    System.setProperty("bench.java.version", System.getProperty("java.version"));
    if (Runtime.version().feature() < 25) {
      throw new IllegalStateException("benchmarks must run on JDK 25+, got " + System.getProperty("java.version"));
    }
    tag = 1;
    bucket = 1795287600L;
    chunk = 105;
    name = 3;
    loop = 7;
    iteration = 10;
    step = 2;
    entryId = "entry-7f3a9c2e-0001";
    queueId = 123_456;
    actorId = "actor-9f1c2d3e";
    s1 = "users";
    s2 = "alice@example.com";
    s3 = "profile";
    s4 = "settings/theme";
  }

  // -- traces chunk: [07][01] + pack(1, bucket_start_sec, chunk_id)

  @Benchmark
  public Object tracesChunkActorKv() {
    byte[] key = Tuple.of(tag, bucket, chunk).packWithPrefix(TRACES);
    return Tuple.fromBytes(key, TRACES.length);
  }

  @Benchmark
  public Object tracesChunkFdb() {
    byte[] key = com.apple.foundationdb.tuple.Tuple.from(tag, bucket, chunk).pack(TRACES);
    return com.apple.foundationdb.tuple.Tuple.fromBytes(key, TRACES.length, key.length - TRACES.length);
  }

  // -- workflow history with a loop segment: [06][01] + pack(2, name, (loop, iteration), step)

  @Benchmark
  public Object workflowHistoryActorKv() {
    byte[] key = Tuple.of(2L, name, Tuple.of(loop, iteration), step).packWithPrefix(WORKFLOW);
    return Tuple.fromBytes(key, WORKFLOW.length);
  }

  @Benchmark
  public Object workflowHistoryFdb() {
    byte[] key = com.apple.foundationdb.tuple.Tuple.from(2L, name, com.apple.foundationdb.tuple.Tuple.from(loop, iteration), step)
        .pack(WORKFLOW);
    return com.apple.foundationdb.tuple.Tuple.fromBytes(key, WORKFLOW.length, key.length - WORKFLOW.length);
  }

  // -- workflow entry metadata: [06][01] + pack(4, entry_id)

  @Benchmark
  public Object entryMetadataActorKv() {
    byte[] key = Tuple.of(4L, entryId).packWithPrefix(WORKFLOW);
    return Tuple.fromBytes(key, WORKFLOW.length);
  }

  @Benchmark
  public Object entryMetadataFdb() {
    byte[] key = com.apple.foundationdb.tuple.Tuple.from(4L, entryId).pack(WORKFLOW);
    return com.apple.foundationdb.tuple.Tuple.fromBytes(key, WORKFLOW.length, key.length - WORKFLOW.length);
  }

  // -- queue message: ours is the real key ([05][01][02] + u64be(id)) built and decoded with full
  // validation; fdb's is the same information as a tuple (2, id), the way a tuple-layer user would key it.

  @Benchmark
  public long queueMessageActorKv() {
    return QueueKeys.messageId(QueueKeys.message(queueId));
  }

  @Benchmark
  public long queueMessageFdb() {
    byte[] key = com.apple.foundationdb.tuple.Tuple.from(2L, queueId).pack(QUEUE);
    return com.apple.foundationdb.tuple.Tuple.fromBytes(key, QUEUE.length, key.length - QUEUE.length).getLong(1);
  }

  // -- physical actor prefix: pack(actor_id)

  @Benchmark
  public Object actorPrefixActorKv() {
    return Tuple.fromBytes(Tuple.of(actorId).pack());
  }

  @Benchmark
  public Object actorPrefixFdb() {
    return com.apple.foundationdb.tuple.Tuple.fromBytes(com.apple.foundationdb.tuple.Tuple.from(actorId).pack());
  }

  // -- a string-heavy tuple

  @Benchmark
  public Object stringsActorKv() {
    return Tuple.fromBytes(Tuple.of(s1, s2, s3, s4).pack());
  }

  @Benchmark
  public Object stringsFdb() {
    return com.apple.foundationdb.tuple.Tuple.fromBytes(com.apple.foundationdb.tuple.Tuple.from(s1, s2, s3, s4).pack());
  }
}
