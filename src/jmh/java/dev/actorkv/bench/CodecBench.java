package dev.actorkv.bench;

import dev.actorkv.tuple.Tuple;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Pack + unpack of a typical traces-chunk key tuple, ours against fdb-java's Tuple. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CodecBench {
  @Benchmark
  public Object actorKv() {
    return Tuple.fromBytes(Tuple.of(1L, 1795287600L, 105L).pack());
  }

  @Benchmark
  public Object fdb() {
    return com.apple.foundationdb.tuple.Tuple.fromBytes(com.apple.foundationdb.tuple.Tuple.from(1L, 1795287600L, 105L).pack());
  }
}
