package dev.actorkv.tool;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteOptions;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Durability;
import dev.actorkv.store.StoreOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * Issue 23's script (the one {@code bench/sql-shell/gen.sh} writes: 20 000 inserts of ~200-byte rows in
 * 1 000-row transactions into an indexed table, 2 000 printed point selects, a range aggregate, a
 * 2 000-row update and a final aggregate) run in-process by the {@code keyspace sql} shell, on a new
 * database each time, against two back ends of the same libsqlite3:
 * <ul>
 *   <li>{@code native}: SQLite's unix VFS on a file, journal_mode=WAL, synchronous=NORMAL (commits
 *       reach the OS, not the disk: they survive a process crash, not a power loss);</li>
 *   <li>{@code pagestore}: an actor's database on the RocksDB page store with {@link Durability#WAL}
 *       (the same promise), as {@code keyspace sql} opens it.</li>
 * </ul>
 * Both print into a counting sink, so the rows are formatted but not written anywhere. The difference is
 * what the page store costs once the JVM is warm; whole-process runs add start-up (bench/sql-shell).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
public class SqlShellBench {
  @Param({"native", "pagestore"})
  public String backend;

  private byte[] script;
  private Path dir;
  private ActorStore store;
  private SqliteDatabase db;
  private int run;

  @Setup(Level.Trial)
  public void generate() throws IOException, InterruptedException {
    // The very bytes the whole-process comparison feeds both shells (JMH runs in the project directory).
    Process gen = new ProcessBuilder("bench/sql-shell/gen.sh").redirectError(ProcessBuilder.Redirect.INHERIT).start();
    script = gen.getInputStream().readAllBytes();
    if (gen.waitFor() != 0 || script.length < 1_000_000) {
      throw new IllegalStateException("bench/sql-shell/gen.sh failed");
    }
  }

  @Setup(Level.Invocation)
  public void open() throws IOException {
    dir = Files.createTempDirectory("sql-shell-bench");
    if (backend.equals("native")) {
      db = SqliteDatabase.openFile(dir.resolve("bench-" + run++ + ".db"), SqliteOptions.defaults());
      db.executeScript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    } else {
      store = ActorStore.open(dir.resolve("store"), StoreOptions.defaults().withDurability(Durability.WAL));
      db = SqliteDatabase.open(store.actor("bench"));
    }
  }

  @Benchmark
  public long script() throws IOException {
    CountingSink out = new CountingSink();
    SqlShell shell = new SqlShell(db, out, new PrintWriter(new StringWriter()));
    SqlShell.Outcome outcome = shell.run(new ShellInput.Stream(new ByteArrayInputStream(script), out::flush));
    if (outcome != SqlShell.Outcome.OK) {
      throw new IllegalStateException("the script failed: " + outcome);
    }
    return out.bytes;
  }

  @TearDown(Level.Invocation)
  public void close() throws IOException {
    db.close();
    if (store != null) {
      store.close();
      store = null;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Counts what the shell prints (about 90 KB for this script). */
  static final class CountingSink extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
