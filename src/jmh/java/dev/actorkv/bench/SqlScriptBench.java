package dev.actorkv.bench;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteOptions;
import dev.actorkv.store.ActorStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * {@code executeScript} of N statements {@code SELECT 1;}: the time per script divided by N stays flat
 * from 1,000 to 100,000 statements when each statement is prepared in place (before, SQLite copied the
 * whole rest of the script for every statement: quadratic). The {@code native} peer is the same script
 * on a plain file database, which has no authorizer: the difference is what the actor connection's
 * defences cost per prepared statement.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SqlScriptBench {
  @Param({"1000", "100000"})
  public int statements;

  @Param({"native", "pagestore"})
  public String backend;

  private Path dir;
  private ActorStore store;
  private SqliteDatabase db;
  private String script;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("sql-script-bench");
    if (backend.equals("native")) {
      db = SqliteDatabase.openFile(dir.resolve("bench.db"), SqliteOptions.defaults());
    } else {
      store = ActorStore.open(dir.resolve("store"));
      db = SqliteDatabase.open(store.actor("bench"));
    }
    script = "SELECT 1;\n".repeat(statements);
  }

  @Benchmark
  public long script() {
    long[] rows = {0};
    db.executeScript(script, row -> rows[0]++);
    return rows[0];
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    db.close();
    if (store != null) {
      store.close();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
