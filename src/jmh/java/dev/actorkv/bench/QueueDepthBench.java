package dev.actorkv.bench;

import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.NewMessage;
import dev.actorkv.queue.QueueOptions;
import dev.actorkv.store.ActorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
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

/**
 * Cost of one enqueue + completable receive + complete at queue depth 100 and 100 000 (the depth stays
 * constant during the run). {@code fifo} receives any name (the oldest backlog message, so the backlog
 * rotates); {@code byName} receives a name that none of the backlog messages ahead of it has.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class QueueDepthBench {
  private static final byte[] BODY = "{\"task\":\"resize\",\"image\":\"cat-000001.png\",\"width\":128,\"height\":128}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  @Param({"100", "100000"})
  public int depth;

  private Path dir;
  private ActorStore store;
  private ActorQueue queue;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    dir = Files.createTempDirectory("queue-depth-bench");
    store = ActorStore.open(dir);
    queue = ActorQueue.open(store.actor("bench"), QueueOptions.defaults().withMaxSize(depth + 10));
    List<NewMessage> chunk = new ArrayList<>();
    for (int i = 0; i < depth; i++) {
      chunk.add(new NewMessage("backlog", BODY));
      if (chunk.size() == 1000 || i == depth - 1) {
        queue.enqueueAll(chunk);
        chunk.clear();
      }
    }
    // Reopen so the index is loaded by the open scan, as after a restart.
    queue.close();
    queue = ActorQueue.open(store.actor("bench"), QueueOptions.defaults().withMaxSize(depth + 10));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    queue.close();
    store.close();
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Benchmark
  public Object fifo() throws InterruptedException {
    queue.enqueue("backlog", BODY);
    List<Message> got = queue.receiveCompletable(List.of(), 1, Duration.ZERO);
    queue.complete(got.getFirst(), null);
    return got;
  }

  @Benchmark
  public Object byName() throws InterruptedException {
    queue.enqueue("hot", BODY);
    List<Message> got = queue.receiveCompletable(List.of("hot"), 1, Duration.ZERO);
    queue.complete(got.getFirst(), null);
    return got;
  }
}
