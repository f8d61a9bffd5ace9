package dev.actorkv.tool;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.PostgresCluster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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

/**
 * {@code keyspace copy} from a RocksDB store to a fresh PostgreSQL database, the whole command as a user
 * runs it (in this JVM): keys copied per second at two store sizes (actors of 100 keys of 100 bytes), to
 * show the rate is flat with store size. In this package because the CLI's classes are package-private.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
public class CopyBench {
  static final int KEYS_PER_ACTOR = 100;

  @Param({"10000", "50000"})
  public int keys;

  private Path dir;
  private String target;

  @Setup(Level.Trial)
  public void populate() throws IOException {
    dir = Files.createTempDirectory("copy-bench");
    try (ActorStore store = ActorStore.open(dir)) {
      for (int a = 0; a < keys / KEYS_PER_ACTOR; a++) {
        ActorKeyspace actor = store.actor("actor-" + a);
        ActorBatch b = actor.batch();
        for (int k = 0; k < KEYS_PER_ACTOR; k++) {
          b.put(("\u0004k" + k).getBytes(StandardCharsets.UTF_8), new byte[100]);
        }
        actor.commit(b);
      }
    }
  }

  @Setup(Level.Iteration)
  public void freshTarget() {
    target = PostgresCluster.shared().newDatabase("copy");
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** The score is the time of one whole copy; keys/s = keys / score. */
  @Benchmark
  public int copy() {
    int rc = KeyspaceCli.execute(KeyspaceCli.commandLine(() -> OutputStream.nullOutputStream()),
        "copy", dir.toString(), target);
    if (rc != 0) {
      throw new IllegalStateException("copy exited " + rc);
    }
    return rc;
  }
}
