// Writes a small SQLite database through the reference runtime's KV VFS (@rivetkit/sqlite-vfs) into an
// in-memory KV map, then prints the map as JSON lines {"key":"<hex>","value":"<hex>"} in key order (the
// format of `keyspace export`). Usage:
//   npm install && node generate.mjs > ../../src/test/resources/dev/actorkv/sqlite/rivetkit-fixture.jsonl
import { SqliteVfs } from "@rivetkit/sqlite-vfs";

const hex = (b) => Buffer.from(b).toString("hex");
const kv = new Map();
const options = {
  get: async (k) => kv.get(hex(k)) ?? null,
  getBatch: async (ks) => ks.map((k) => kv.get(hex(k)) ?? null),
  put: async (k, v) => { kv.set(hex(k), Uint8Array.from(v)); },
  putBatch: async (entries) => { for (const [k, v] of entries) kv.set(hex(k), Uint8Array.from(v)); },
  deleteBatch: async (ks) => { for (const k of ks) kv.delete(hex(k)); },
};

const vfs = new SqliteVfs();
const db = await vfs.open("fixture-actor", options);
await db.exec("CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, score REAL, photo BLOB)");
await db.exec("CREATE INDEX people_name ON people(name)");
await db.exec("BEGIN");
for (let i = 1; i <= 500; i++) {
  // Deterministic content; long enough names to span several 4 KiB pages.
  await db.run("INSERT INTO people (id, name, score, photo) VALUES (?, ?, ?, ?)",
    [i, `person-${String(i).padStart(4, "0")}-${"x".repeat(i % 37)}`, i * 1.5, new Uint8Array([i & 0xff, (i >> 8) & 0xff, 7])]);
}
await db.exec("COMMIT");
await db.exec("DELETE FROM people WHERE id % 10 = 0");
await db.exec("CREATE TABLE notes (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID");
await db.run("INSERT INTO notes VALUES (?, ?), (?, ?)", ["greeting", "hello from TypeScript", "nulls", null]);
await db.close();
await vfs.destroy();

for (const k of [...kv.keys()].sort()) {
  process.stdout.write(JSON.stringify({ key: k, value: hex(kv.get(k)) }) + "\n");
}
