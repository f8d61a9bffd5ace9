package dev.actorkv.bench;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import dev.actorkv.workflow.LoopOptions;
import dev.actorkv.workflow.LoopResult;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowCodecs;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowHistory;
import dev.actorkv.workflow.WorkflowOutcome;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.StepEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Workflow manager costs, each next to a baseline measured in the same run:
 * <ul>
 *   <li>load + replay of a workflow with 10 000 history entries, against a raw scan of the same keys;
 *   <li>the storage cost of one step (entry + metadata recorded, one flush), against one raw RocksDB
 *       WriteBatch of the same bytes; plus a whole engine step end to end;
 *   <li>a loop with trimming at several sizes: time per iteration should not grow with iterations.
 * </ul>
 */
public class WorkflowBench {
  static Path tempDir(String name) {
    try {
      return Files.createTempDirectory(name);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void delete(Path p) {
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** 10 000 completed steps, then a long sleep: every run replays all of them and suspends. */
  static Workflow<String, String> tenThousandSteps() {
    return tenThousandSteps(String.class, k -> "result " + k);
  }

  /** The same with steps of {@code type} (default codec: JSON for anything but strings and bytes). */
  static <T> Workflow<String, String> tenThousandSteps(Class<T> type, IntFunction<T> result) {
    return Workflow.of(String.class, String.class, (ctx, in) -> {
      for (int i = 0; i < 10_000; i++) {
        int k = i;
        ctx.step("step-" + i, type, () -> result.apply(k));
      }
      ctx.sleep("rest", Duration.ofDays(365));
      return "never";
    });
  }

  @State(Scope.Benchmark)
  public static class Replay {
    /** utf8: string steps (a constant codec); json: long steps through the default Jackson codec. */
    @Param({"utf8", "json"})
    String steps;

    Path dir;
    ActorStore store;
    ActorKeyspace actor;
    Workflow<String, String> workflow;

    @Setup(Level.Trial)
    public void setUp() {
      dir = tempDir("wfbench-replay");
      store = ActorStore.open(dir);
      actor = store.actor("replay");
      workflow = steps.equals("json") ? tenThousandSteps(Long.class, k -> k * 2L) : tenThousandSteps();
      WorkflowOutcome<String> out = WorkflowEngine.open(actor).run(workflow, "x");
      if (!(out instanceof WorkflowOutcome.Sleeping<String>)) {
        throw new IllegalStateException(out.toString());
      }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      store.close();
      delete(dir);
    }
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object loadAndReplay10k(Replay s) {
    return WorkflowEngine.open(s.actor).run(s.workflow, "x");
  }

  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public long rawScan10kBaseline(Replay s) {
    long bytes = 0;
    try (KeyValueIterator it = s.actor.iterator(WorkflowKeys.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        bytes += kv.key().length + kv.value().length;
      }
    }
    return bytes;
  }

  @State(Scope.Thread)
  public static class Flush {
    Path dir;
    Path rawDir;
    ActorStore store;
    WorkflowHistory history;
    long loopName;
    long stepName;
    long iteration;
    Options rawOptions;
    WriteOptions rawWrite;
    RocksDB raw;
    byte[] rawPrefix;
    ActorStore engineStore;
    long engineActors;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
      dir = tempDir("wfbench-flush");
      store = ActorStore.open(dir);
      history = WorkflowHistory.load(store.actor("flush"));
      loopName = history.nameIndex("loop");
      stepName = history.nameIndex("step");
      history.flush();
      rawDir = tempDir("wfbench-raw");
      RocksDB.loadLibrary();
      // The store's own settings: default options, WAL on, no fsync per write.
      rawOptions = new Options().setCreateIfMissing(true);
      rawWrite = new WriteOptions();
      raw = RocksDB.open(rawOptions, rawDir.toString());
      rawPrefix = dev.actorkv.tuple.Tuple.of("flush").pack();
      engineStore = ActorStore.open(tempDir("wfbench-engine"));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      store.close();
      raw.close();
      rawWrite.close();
      rawOptions.close();
      engineStore.close();
      delete(dir);
      delete(rawDir);
    }

    HistoryEntry entry(long i) {
      return HistoryEntry.newBuilder().setId("entry-" + i).setOrdinal(0)
          .setStep(StepEntry.newBuilder().setHasOutput(true).setOutput(ByteString.copyFromUtf8("result of step " + i))).build();
    }

    EntryMetadata metadata() {
      return EntryMetadata.newBuilder().setStatus(EntryStatus.ENTRY_COMPLETED).setAttempts(1)
          .setCreatedAtMs(1_700_000_000_000L).setLastAttemptAtMs(1_700_000_000_001L).setCompletedAtMs(1_700_000_000_002L).build();
    }
  }

  /** What one step costs in storage: its entry and metadata recorded, then one flush (one atomic batch). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void flushPerStep(Flush s) {
    long i = s.iteration++;
    HistoryEntry e = s.entry(i);
    s.history.putEntry(WorkflowLocation.root().loop(s.loopName, i).name(s.stepName), e);
    s.history.putMetadata(e.getId(), s.metadata());
    s.history.flush();
  }

  /** The same bytes (entry key/value, metadata key/value, same physical prefix) as one raw WriteBatch. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public void rawWriteBaseline(Flush s) throws Exception {
    long i = s.iteration++;
    HistoryEntry e = s.entry(i);
    byte[] key = WorkflowKeys.history(WorkflowLocation.root().loop(s.loopName, i).name(s.stepName));
    byte[] mdKey = WorkflowKeys.entryMetadata(e.getId());
    try (WriteBatch wb = new WriteBatch()) {
      wb.put(concat(s.rawPrefix, key), e.toByteArray());
      wb.put(concat(s.rawPrefix, mdKey), s.metadata().toByteArray());
      s.raw.write(s.rawWrite, wb);
    }
  }

  /** A whole engine step end to end: a fresh one-step workflow run to completion (open, step, complete). */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public Object engineOneStepWorkflow(Flush s) {
    ActorKeyspace a = s.engineStore.actor("a" + s.engineActors++);
    return WorkflowEngine.open(a).run(Workflow.of(String.class, String.class,
        (ctx, in) -> ctx.step("only", String.class, () -> in + "!")), "x");
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @State(Scope.Thread)
  public static class Loop {
    @Param({"500", "1000", "2000"})
    public int iterations;
    Path dir;
    ActorStore store;
    long actors;

    @Setup(Level.Trial)
    public void setUp() {
      dir = tempDir("wfbench-loop");
      store = ActorStore.open(dir);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      store.close();
      delete(dir);
    }
  }

  /** A loop of N iterations, one step each, defaults N = K = 20: total time should be linear in N. */
  @Benchmark
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.MILLISECONDS)
  public Object loopWithTrimming(Loop s) {
    ActorKeyspace a = s.store.actor("loop" + s.actors++);
    int n = s.iterations;
    return WorkflowEngine.open(a).run(Workflow.of(Integer.class, Integer.class, (ctx, in) ->
        ctx.loop("l", LoopOptions.DEFAULT, 0, WorkflowCodecs.of(Integer.class), WorkflowCodecs.of(Integer.class), (c, i) -> {
          c.step("s", Integer.class, () -> i);
          return i + 1 >= n ? LoopResult.done(i + 1) : LoopResult.next(i + 1);
        })), 0);
  }
}
