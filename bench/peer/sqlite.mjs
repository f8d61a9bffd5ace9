// SQL workload on the reference runtime's KV VFS (@rivetkit/sqlite-vfs), same script as
// dev.actorkv.bench.peer.PeerSqlWorkload. Usage: node sqlite.mjs ROWS ROWS_PER_TX POINT_SELECTS
import { SqliteVfs } from "@rivetkit/sqlite-vfs";
import { MemoryKv, report } from "./memory-kv.mjs";

const [rows, perTx, selects] = process.argv.slice(2).map(Number);
const kv = new MemoryKv();
const options = {
  get: async (k) => kv.get(k),
  getBatch: async (ks) => ks.map((k) => kv.get(k)),
  put: async (k, v) => kv.set(k, v),
  putBatch: async (entries) => { for (const [k, v] of entries) kv.set(k, v); },
  deleteBatch: async (ks) => { for (const k of ks) kv.delete(k); },
};

const start = process.hrtime.bigint();
const vfs = new SqliteVfs();
const db = await vfs.open("peer-bench", options);
await db.exec("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, value REAL NOT NULL, payload BLOB)");
const payload = new Uint8Array(100).fill(7);
for (let base = 0; base < rows; base += perTx) {
  await db.exec("BEGIN");
  for (let i = base; i < Math.min(rows, base + perTx); i++) {
    await db.run("INSERT INTO items (id, name, value, payload) VALUES (?, ?, ?, ?)", [i, "item-" + i, i * 0.5, payload]);
  }
  await db.exec("COMMIT");
}
let checksum = 0;
for (let s = 0; s < selects; s++) {
  const id = (s * 7919) % rows;
  const { rows: r } = await db.query("SELECT name, value FROM items WHERE id = ?", [id]);
  checksum += r[0][1];
}
const { rows: agg } = await db.query("SELECT count(*), sum(value) FROM items WHERE id BETWEEN ? AND ?", [rows / 4, (3 * rows) / 4]);
checksum += Number(agg[0][1]);
await db.close();
await vfs.destroy();
report("sqlite", start, { rows, per_tx: perTx, selects, checksum, kv_keys: kv.size });
