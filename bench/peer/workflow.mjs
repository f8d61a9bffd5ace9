// Workflow workload on the reference runtime (@rivetkit/workflow-engine), same as
// dev.actorkv.bench.peer.PeerWorkflowWorkload: run a workflow of STEPS steps that then sleeps for an
// hour, then run it again so it replays every step from history and suspends at the same sleep.
// Usage: node workflow.mjs STEPS
import { runWorkflow } from "@rivetkit/workflow-engine";
import { MemoryKv, report } from "./memory-kv.mjs";

const [steps] = process.argv.slice(2).map(Number);
const kv = new MemoryKv();
const driver = {
  atomicBatch: true,
  workerPollInterval: 100,
  get: async (k) => kv.get(k),
  set: async (k, v) => kv.set(k, v),
  delete: async (k) => kv.delete(k),
  batchDelete: async (ks) => { for (const k of ks) kv.delete(k); },
  deletePrefix: async (p) => kv.deletePrefix(p),
  deleteRange: async (s, e) => kv.deleteRange(s, e),
  list: async (p) => kv.list(p),
  batch: async (writes) => { for (const { key, value } of writes) kv.set(key, value); },
  setAlarm: async () => {},
  clearAlarm: async () => {},
};

const workflow = async (ctx, input) => {
  let sum = 0;
  for (let i = 0; i < input.steps; i++) sum += await ctx.step("step-" + i, async () => i * 2);
  await ctx.sleep("wait", 3600_000);
  return sum;
};

const start = process.hrtime.bigint();
const first = await runWorkflow("peer-bench", workflow, { steps }, driver, { mode: "yield" }).result;
const replay = await runWorkflow("peer-bench", workflow, { steps }, driver, { mode: "yield" }).result;
report("workflow", start, { steps, first: first.state, replay: replay.state, kv_keys: kv.size });
