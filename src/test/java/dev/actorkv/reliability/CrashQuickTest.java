package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick variant of the crash harness: a few SIGKILL cycles of a child JVM writing to several actors. */
class CrashQuickTest {
  @TempDir Path dir;

  @Test
  void acknowledgedOperationsSurviveSigkillAndNothingIsHalfApplied() throws Exception {
    CrashCampaign.Result r = new CrashCampaign(dir, 7).run(2);
    assertEquals(List.of(), r.violations());
    assertEquals(2, r.cycles());
    assertTrue(r.operationsAcknowledged() > 0, "the child acknowledged nothing: " + r);
  }

  /** The checks can fail: a missing operation and a half-applied one are both reported. */
  @Test
  void modelCheckDetectsMissingAndHalfAppliedOperations() {
    long seed = 3;
    CrashModel model = new CrashModel();
    java.util.Map<String, dev.actorkv.queue.ActorQueue> queues = new java.util.HashMap<>();
    try (dev.actorkv.store.ActorStore store = dev.actorkv.store.ActorStore.open(dir.resolve("db"))) {
      long i = 0;
      for (; i < 40; i++) {
        CrashWorkload.apply(store, queues, CrashOps.op(seed, i));
        model.apply(CrashOps.op(seed, i));
      }
      queues.values().forEach(dev.actorkv.queue.ActorQueue::close);
      queues.clear();
      assertEquals(null, model.differenceFrom(store));
      assertEquals(null, CrashCampaign.invariantProblem(store));
      // The next multi-put operation, applied only in half.
      while (!(CrashOps.op(seed, i) instanceof CrashOps.KvOp kv && kv.mutations().size() > 2
          && kv.mutations().stream().allMatch(m -> m instanceof CrashOps.Put))) {
        i++;
      }
      CrashOps.KvOp whole = (CrashOps.KvOp) CrashOps.op(seed, i);
      CrashOps.KvOp half = new CrashOps.KvOp(i, whole.actorId(), whole.kind(), whole.mutations().subList(0, 1));
      CrashModel withWhole = model.copy();
      withWhole.apply(whole);
      assertTrue(withWhole.differenceFrom(store) != null, "a missing operation went unnoticed");
      half.apply(store);
      assertTrue(model.differenceFrom(store) != null, "half an operation went unnoticed (acknowledged state)");
      assertTrue(withWhole.differenceFrom(store) != null, "half an operation went unnoticed (whole state)");
    }
  }
}
