package dev.actorkv.bench;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.SqliteOptions;
import dev.actorkv.sqlite.Statement;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Durability;
import dev.actorkv.store.StoreOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
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
 * The same SQL on the same libsqlite3 (through our FFM binding), two storage back ends:
 * <ul>
 *   <li>{@code native}: SQLite's default unix VFS, a file in a local temp directory, journal_mode=WAL,
 *       synchronous=NORMAL (a commit is written to the WAL with write(2), not fsynced: survives a process
 *       crash, not a power loss);</li>
 *   <li>{@code pagestore}: an actor's database on the RocksDB page store, Durability.WAL (a commit is one
 *       WriteBatch appended to RocksDB's WAL, not fsynced: survives a process crash, not a power loss).</li>
 * </ul>
 * Both use 4096-byte pages and an 8 MiB page cache. Work: bulk insert (one transaction of 1000 rows),
 * point select by primary key, range scan of 100 rows through a secondary index, over a table preloaded
 * with 50,000 rows.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SqliteBench {
  private static final int PRELOAD = 50_000;

  @Param({"native", "pagestore"})
  public String backend;

  private Path dir;
  private ActorStore store;
  private SqliteDatabase db;
  private Statement insert;
  private Statement point;
  private Statement range;
  private final SplittableRandom random = new SplittableRandom(42);
  private long nextId = PRELOAD;

  @Setup(Level.Trial)
  public void open() throws IOException {
    dir = Files.createTempDirectory("sqlite-bench");
    SqliteOptions options = SqliteOptions.defaults().withPageSize(4096).withCacheSizeKiB(8192);
    if (backend.equals("native")) {
      db = SqliteDatabase.openFile(dir.resolve("bench.db"), options);
      db.executeScript("PRAGMA page_size=4096; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-8192;");
    } else {
      store = ActorStore.open(dir.resolve("store"), StoreOptions.defaults().withDurability(Durability.WAL));
      db = SqliteDatabase.open(store.actor("bench"), options);
    }
    db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, name TEXT NOT NULL, qty INTEGER NOT NULL)");
    db.execute("CREATE INDEX items_owner ON items(owner)");
    insert = db.prepare("INSERT INTO items VALUES (?, ?, ?, ?)");
    point = db.prepare("SELECT owner, name, qty FROM items WHERE id = ?");
    range = db.prepare("SELECT id, name, qty FROM items WHERE owner >= ? ORDER BY owner LIMIT 100");
    for (long start = 0; start < PRELOAD; start += 1000) {
      long from = start;
      db.inTransaction(tx -> {
        for (long id = from; id < from + 1000; id++) {
          insert.execute(id, id % 5000, "item-" + id + "-" + Long.toHexString(id * 2654435761L), id % 97);
        }
        return null;
      });
    }
  }

  @TearDown(Level.Trial)
  public void close() throws IOException {
    insert.close();
    point.close();
    range.close();
    db.close();
    if (store != null) {
      store.close();
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** One transaction inserting 1000 rows. */
  @Benchmark
  public long bulkInsert1000() {
    return db.inTransaction(tx -> {
      long changed = 0;
      for (int i = 0; i < 1000; i++) {
        long id = nextId++;
        changed += insert.execute(id, id % 5000, "item-" + id + "-" + Long.toHexString(id * 2654435761L), id % 97);
      }
      return changed;
    });
  }

  /** One point select by primary key. */
  @Benchmark
  public Object pointSelect() {
    return point.query(random.nextLong(PRELOAD));
  }

  /** 100 rows in index order from a random start. */
  @Benchmark
  public Object rangeScan100() {
    return range.query(random.nextLong(4900));
  }
}
