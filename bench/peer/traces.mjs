// Span workload on the reference runtime's traces store (@rivetkit/traces), same as
// dev.actorkv.bench.peer.PeerTracesWorkload: SPANS spans with attributes, one event each, then one
// range read of everything. Usage: node traces.mjs SPANS
import { createTraces } from "@rivetkit/traces";
import { MemoryKv, report } from "./memory-kv.mjs";

const [spans] = process.argv.slice(2).map(Number);
const kv = new MemoryKv();
const driver = {
  get: async (k) => kv.get(k),
  set: async (k, v) => kv.set(k, v),
  delete: async (k) => kv.delete(k),
  deletePrefix: async (p) => kv.deletePrefix(p),
  list: async (p) => kv.list(p),
  listRange: async (s, e, o) => kv.range(Buffer.from(s).toString("hex"), Buffer.from(e).toString("hex"), o),
  batch: async (writes) => { for (const { key, value } of writes) kv.set(key, value); },
};

const start = process.hrtime.bigint();
const traces = createTraces({ driver });
const t0 = Date.now();
for (let i = 0; i < spans; i++) {
  const span = traces.startSpan("op-" + (i % 10), { attributes: { "actor.id": "peer-bench", "op.index": i, "op.kind": "bench" } });
  traces.emitEvent(span, "checkpoint", { attributes: { step: i } });
  traces.endSpan(span, { status: { code: "OK" } });
  if (i % 1000 === 999) await traces.flush();
}
await traces.flush();
const result = await traces.readRange({ startMs: t0 - 1000, endMs: Date.now() + 1000, limit: spans });
let read = 0;
for (const rs of result.otlp.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) read += ss.spans.length;
report("traces", start, { spans, read, kv_keys: kv.size });
