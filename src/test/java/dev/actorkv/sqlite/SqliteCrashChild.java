package dev.actorkv.sqlite;

import dev.actorkv.store.ActorStore;
import java.nio.file.Path;

/**
 * Child process of {@link SqliteCrashTest}: inserts rows in transactions of {@code rowsPerTx} rows, all
 * tagged with the transaction id, and prints each id on its own line after COMMIT returned. Runs until
 * killed.
 */
public final class SqliteCrashChild {
  private SqliteCrashChild() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int rowsPerTx = Integer.parseInt(args[1]);
    int pageSize = Integer.parseInt(args[2]);
    try (ActorStore store = ActorStore.open(dir);
        SqliteDatabase db = SqliteDatabase.open(store.actor("crash"), SqliteOptions.defaults().withPageSize(pageSize).withCacheSizeKiB(256))) {
      db.execute("CREATE TABLE IF NOT EXISTS t (tx INTEGER NOT NULL, n INTEGER NOT NULL, pad BLOB, PRIMARY KEY (tx, n))");
      db.execute("CREATE INDEX IF NOT EXISTS t_pad ON t(pad)");
      long tx = db.query("SELECT coalesce(max(tx), 0) FROM t").single().getLong(0);
      while (true) {
        long id = ++tx;
        db.inTransaction(d -> {
          for (int n = 0; n < rowsPerTx; n++) {
            d.execute("INSERT INTO t VALUES (?, ?, randomblob(?))", id, n, 50 + (int) ((id * 31 + n) % 900));
          }
          if (id % 7 == 0) {
            d.execute("DELETE FROM t WHERE tx = ? AND n % 2 = 1", id - 3);
          }
          return null;
        });
        System.out.println(id);
        System.out.flush();
      }
    }
  }
}
