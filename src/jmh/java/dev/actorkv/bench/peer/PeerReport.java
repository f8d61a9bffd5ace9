package dev.actorkv.bench.peer;

/** The one JSON line each peer workload prints, in the same shape as bench/peer/memory-kv.mjs. */
final class PeerReport {
  private PeerReport() {}

  static void print(String workload, long startNanos, String extraJsonFields) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    System.out.println("{\"runtime\":\"actor-kv\",\"workload\":\"" + workload + "\",\"work_ms\":" + ms
        + (extraJsonFields.isEmpty() ? "" : "," + extraJsonFields) + "}");
  }
}
