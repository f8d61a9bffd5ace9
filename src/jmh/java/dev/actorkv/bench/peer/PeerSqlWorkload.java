package dev.actorkv.bench.peer;

import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.sqlite.Statement;
import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The SQL workload of bench/peer/sqlite.mjs on SQLite over the page store: bulk inserts in
 * transactions, point selects, one range aggregate. Usage: DB ROWS ROWS_PER_TX POINT_SELECTS
 */
public final class PeerSqlWorkload {
  private PeerSqlWorkload() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int rows = Integer.parseInt(args[1]);
    int perTx = Integer.parseInt(args[2]);
    int selects = Integer.parseInt(args[3]);
    long start = System.nanoTime();
    double checksum = 0;
    try (ActorStore store = ActorStore.open(dir);
        SqliteDatabase db = SqliteDatabase.open(store.actor("peer-bench"))) {
      db.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL NOT NULL, payload BLOB)");
      byte[] payload = new byte[100];
      Arrays.fill(payload, (byte) 7);
      try (Statement insert = db.prepare("INSERT INTO items (id, name, value, payload) VALUES (?, ?, ?, ?)")) {
        for (int base = 0; base < rows; base += perTx) {
          db.begin();
          for (int i = base; i < Math.min(rows, base + perTx); i++) {
            insert.execute((long) i, "item-" + i, i * 0.5, payload);
          }
          db.commit();
        }
      }
      try (Statement point = db.prepare("SELECT name, value FROM items WHERE id = ?")) {
        for (int s = 0; s < selects; s++) {
          long id = (s * 7919L) % rows;
          checksum += point.query(id).single().getDouble(1);
        }
      }
      checksum += db.query("SELECT count(*), sum(value) FROM items WHERE id BETWEEN ? AND ?", rows / 4L, 3L * rows / 4).single().getDouble(1);
    }
    PeerReport.print("sqlite", start, "\"rows\":" + rows + ",\"per_tx\":" + perTx + ",\"selects\":" + selects + ",\"checksum\":" + (long) checksum);
  }
}
