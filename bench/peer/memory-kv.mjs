// An in-memory ordered KV for the reference runtime's drivers: the most favourable storage the
// reference can have (no disk, no network), so the comparison is conservative for actor-kv.
// Keys are held as lowercase hex, whose string order equals unsigned byte order.
const toHex = (b) => Buffer.from(b).toString("hex");
const fromHex = (h) => new Uint8Array(Buffer.from(h, "hex"));

export class MemoryKv {
  #map = new Map();
  #sorted = null;

  #keys() {
    if (this.#sorted === null) this.#sorted = [...this.#map.keys()].sort();
    return this.#sorted;
  }
  #lowerBound(h) {
    const keys = this.#keys();
    let lo = 0, hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < h) lo = mid + 1; else hi = mid;
    }
    return lo;
  }
  get size() { return this.#map.size; }
  get(key) { return this.#map.get(toHex(key)) ?? null; }
  set(key, value) {
    const h = toHex(key);
    if (!this.#map.has(h)) this.#sorted = null;
    this.#map.set(h, new Uint8Array(value));
  }
  delete(key) {
    if (this.#map.delete(toHex(key))) this.#sorted = null;
  }
  range(startHex, endHex, { reverse = false, limit = Infinity } = {}) {
    const keys = this.#keys();
    const out = [];
    const from = this.#lowerBound(startHex);
    const to = endHex === null ? keys.length : this.#lowerBound(endHex);
    if (reverse) {
      for (let i = to - 1; i >= from && out.length < limit; i--) out.push({ key: fromHex(keys[i]), value: this.#map.get(keys[i]) });
    } else {
      for (let i = from; i < to && out.length < limit; i++) out.push({ key: fromHex(keys[i]), value: this.#map.get(keys[i]) });
    }
    return out;
  }
  list(prefix) {
    const p = toHex(prefix);
    return this.range(p, strincHex(p));
  }
  deleteRange(start, end) {
    for (const { key } of this.range(toHex(start), toHex(end))) this.delete(key);
  }
  deletePrefix(prefix) {
    for (const { key } of this.list(prefix)) this.delete(key);
  }
}

// The first hex key after every key starting with prefix p (null: no upper bound).
function strincHex(p) {
  const b = Buffer.from(p, "hex");
  let n = b.length;
  while (n > 0 && b[n - 1] === 0xff) n--;
  if (n === 0) return null;
  const out = Buffer.from(b.subarray(0, n));
  out[n - 1]++;
  return out.toString("hex");
}

export function report(workload, startNs, extra) {
  const ms = Number(process.hrtime.bigint() - startNs) / 1e6;
  console.log(JSON.stringify({ runtime: "reference-ts", workload, work_ms: Math.round(ms), ...extra }));
}
