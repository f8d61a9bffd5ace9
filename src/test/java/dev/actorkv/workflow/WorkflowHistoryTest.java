package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import dev.actorkv.testing.ManualClock;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.SleepEntry;
import dev.actorkv.workflow.proto.StepEntry;
import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowHistoryTest {
  @TempDir Path dir;
  final FailingFaults faults = new FailingFaults();
  ActorStore store;
  ActorKeyspace actor;

  @BeforeEach
  void open() {
    store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults));
    actor = store.actor("h");
  }

  @AfterEach
  void close() {
    store.close();
  }

  static HistoryEntry step(String id, int ordinal, String output) {
    return HistoryEntry.newBuilder().setId(id).setOrdinal(ordinal)
        .setStep(StepEntry.newBuilder().setHasOutput(true).setOutput(ByteString.copyFromUtf8(output))).build();
  }

  static EntryMetadata done() {
    return EntryMetadata.newBuilder().setStatus(EntryStatus.ENTRY_COMPLETED).setAttempts(1).build();
  }

  @Test
  void flushWritesEverythingInOneBatchAndLoadReadsItBack() {
    WorkflowHistory h = WorkflowHistory.load(actor);
    long a = h.nameIndex("a");
    long b = h.nameIndex("b");
    WorkflowLocation la = WorkflowLocation.root().name(a);
    WorkflowLocation lab = la.loop(b, 3).name(a);
    h.putEntry(la, step("e1", 0, "x"));
    h.putMetadata("e1", done());
    h.putEntry(lab, step("e2", 0, "y"));
    h.putMetadata("e2", done());
    h.setField(WorkflowField.INPUT, "in".getBytes());
    h.setState(dev.actorkv.workflow.proto.WorkflowStateValue.newBuilder()
        .setState(dev.actorkv.workflow.proto.WorkflowStateCode.WORKFLOW_RUNNING).build());
    long writes = faults.writes();
    h.flush();
    assertEquals(writes + 1, faults.writes(), "one atomic write");
    assertFalse(h.isDirty());
    h.flush();
    assertEquals(writes + 1, faults.writes(), "nothing dirty, nothing written");

    WorkflowHistory again = WorkflowHistory.load(actor, 1);
    assertEquals(List.of("a", "b"), again.names());
    assertEquals(step("e2", 0, "y"), again.entry(lab).orElseThrow());
    assertEquals(done(), again.metadata("e1").orElseThrow());
    assertEquals("in", new String(again.field(WorkflowField.INPUT).orElseThrow()));
    assertEquals(1, again.scopeSize(WorkflowLocation.root()));
    assertEquals(List.of(), again.repairs());
    assertEquals("/a/b~3/a/", again.describe(lab));
  }

  @Test
  void deletingARewrittenEntryDropsItsDirtyMark() {
    // The entry map keeps the first key array of a location; a rewrite marks a new, equal array dirty.
    // The subtree delete must drop that mark by value, or the next flush finds a dirty key with no entry.
    WorkflowHistory h = WorkflowHistory.load(actor);
    WorkflowLocation l = WorkflowLocation.root().name(h.nameIndex("s"));
    h.putEntry(l, step("e1", 0, "v1"));
    h.putMetadata("e1", done());
    h.flush();
    h.putEntry(l, step("e1", 0, "v2"));
    h.deleteSubtree(l);
    h.flush();
    assertFalse(h.isDirty());
    assertTrue(WorkflowHistory.load(actor).entry(l).isEmpty());
  }

  @Test
  void failedFlushKeepsDirtyMarksAndRetryLosesNothing() {
    WorkflowHistory h = WorkflowHistory.load(actor);
    WorkflowLocation l = WorkflowLocation.root().name(h.nameIndex("s"));
    h.putEntry(l, step("e1", 0, "v"));
    h.putMetadata("e1", done());
    h.setField(WorkflowField.OUTPUT, "out".getBytes());
    faults.failWriteAfter(0);
    assertThrows(FailingFaults.InjectedFault.class, h::flush);
    assertTrue(h.isDirty());
    assertEquals(0, actor.scan(WorkflowKeys.all(), 10).size(), "nothing written");
    h.flush();
    assertFalse(h.isDirty());
    WorkflowHistory again = WorkflowHistory.load(actor);
    assertEquals(step("e1", 0, "v"), again.entry(l).orElseThrow());
    assertEquals(List.of("s"), again.names());
    assertEquals("out", new String(again.field(WorkflowField.OUTPUT).orElseThrow()));
  }

  @Test
  void subtreeDeleteIsOneRangeDeleteInTheNextFlushWithItsMetadata() {
    WorkflowHistory h = WorkflowHistory.load(actor);
    long r = h.nameIndex("race");
    long x = h.nameIndex("x");
    long y = h.nameIndex("y");
    WorkflowLocation lx = WorkflowLocation.root().name(r).name(x);
    WorkflowLocation ly = WorkflowLocation.root().name(r).name(y);
    h.putEntry(lx.name(x), step("x1", 0, "1"));
    h.putMetadata("x1", done());
    h.putEntry(lx.name(y), step("x2", 1, "2"));
    h.putMetadata("x2", done());
    h.putEntry(ly.name(x), step("y1", 0, "3"));
    h.putMetadata("y1", done());
    h.flush();
    h.deleteSubtree(lx);
    h.putEntry(WorkflowLocation.root().name(r), step("race", 0, "won"));
    h.putMetadata("race", done());
    assertEquals(0, h.entriesUnder(lx).size());
    faults.failWriteAfter(0);
    assertThrows(StoreException.class, h::flush);
    assertEquals(3, actor.scan(WorkflowKeys.history(), 10).size());
    h.flush();
    List<KeyValue> left = actor.scan(WorkflowKeys.history(), 10);
    assertEquals(2, left.size());
    Set<String> ids = new HashSet<>();
    for (KeyValue kv : actor.scan(WorkflowKeys.entryMetadata(), 10)) {
      ids.add(WorkflowKeys.entryId(kv.key()));
    }
    assertEquals(Set.of("y1", "race"), ids);
  }

  @Test
  void missingAndCorruptMetadataIsRebuiltAndOrphansDropped() {
    WorkflowHistory h = WorkflowHistory.load(actor);
    WorkflowLocation l1 = WorkflowLocation.root().name(h.nameIndex("a"));
    WorkflowLocation l2 = WorkflowLocation.root().name(h.nameIndex("b"));
    h.putEntry(l1, step("e1", 0, "v"));
    h.putMetadata("e1", done());
    h.putEntry(l2, HistoryEntry.newBuilder().setId("e2").setOrdinal(1).setSleep(SleepEntry.newBuilder().setDeadlineMs(5)).build());
    h.putMetadata("e2", done());
    h.flush();
    actor.commit(actor.batch()
        .delete(WorkflowKeys.entryMetadata("e1"))
        .put(WorkflowKeys.entryMetadata("e2"), new byte[] {(byte) 0xff, 0x01})
        .put(WorkflowKeys.entryMetadata("ghost"), done().toByteArray()));
    WorkflowHistory again = WorkflowHistory.load(actor);
    assertEquals(4, again.repairs().size(), again.repairs().toString());
    assertTrue(again.repairs().contains("rebuilt the missing state field"));
    assertEquals(WorkflowState.RUNNING, WorkflowState.of(again.state().getState()));
    assertEquals(EntryStatus.ENTRY_COMPLETED, again.metadata("e1").orElseThrow().getStatus());
    assertEquals(EntryStatus.ENTRY_PENDING, again.metadata("e2").orElseThrow().getStatus());
    // The state field was missing too while history existed.
    again.flush();
    WorkflowHistory third = WorkflowHistory.load(actor);
    assertEquals(List.of(), third.repairs());
    assertEquals(2, actor.scan(WorkflowKeys.entryMetadata(), 10).size());
  }

  @Test
  void corruptEntryOrUnknownNameFailsTheLoad() {
    actor.put(WorkflowKeys.name(0), "a".getBytes());
    actor.put(WorkflowKeys.history(WorkflowLocation.root().name(0)), new byte[] {(byte) 0xff});
    assertThrows(WorkflowHistoryCorruptException.class, () -> WorkflowHistory.load(actor));
    actor.put(WorkflowKeys.history(WorkflowLocation.root().name(0)), step("e", 0, "v").toByteArray());
    actor.put(WorkflowKeys.history(WorkflowLocation.root().name(7)), step("f", 1, "v").toByteArray());
    var e = assertThrows(WorkflowHistoryCorruptException.class, () -> WorkflowHistory.load(actor));
    assertTrue(e.getMessage().contains("unregistered name index 7"), e.getMessage());
    actor.delete(WorkflowKeys.history(WorkflowLocation.root().name(7)));
    actor.put(WorkflowKeys.name(2), "gap".getBytes());
    assertThrows(WorkflowHistoryCorruptException.class, () -> WorkflowHistory.load(actor));
    actor.put(WorkflowKeys.name(2), "a".getBytes());
    actor.put(WorkflowKeys.name(1), new byte[] {(byte) 0xc3});
    assertThrows(WorkflowHistoryCorruptException.class, () -> WorkflowHistory.load(actor));
  }

  @Test
  void oversizedStepResultFailsTheStepNotEveryFlush() {
    store.close();
    store = ActorStore.open(dir, StoreOptions.defaults().withLimits(dev.actorkv.store.Limits.DEFAULTS.withMaxValueBytes(1000)));
    actor = store.actor("h");
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) ->
        ctx.step("big", String.class, () -> "x".repeat(5000)));
    WorkflowEngine e = WorkflowEngine.open(actor);
    var out = e.run(wf, "");
    assertTrue(out instanceof WorkflowOutcome.Failed<String> f && f.error().message().contains("value size"), out.toString());
    assertFalse(e.history().isDirty());
  }

  @Test
  void faultOnAnyFlushOfARunIsRetriedWithNothingLostAndNoStepRepeated() {
    // Fail each write of the run in turn; after every failure the run is retried until it completes.
    // The run writes 4 batches: before each of the 3 step bodies, and at completion.
    for (int failAt = 0; failAt < 4; failAt++) {
      ActorKeyspace a = store.actor("fault-" + failAt);
      AtomicInteger[] runs = {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
      ManualClock clock = new ManualClock();
      Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
        StringBuilder sb = new StringBuilder(in);
        for (int i = 0; i < 3; i++) {
          int k = i;
          sb.append(ctx.step("s" + i, String.class, () -> "|" + k + ":" + runs[k].incrementAndGet()));
        }
        ctx.sleep("nap", Duration.ZERO);
        return sb.toString();
      });
      WorkflowEngine e = WorkflowEngine.open(a, WorkflowOptions.defaults().withClock(clock));
      faults.failWriteAfter(failAt);
      WorkflowOutcome<String> out = null;
      int failures = 0;
      while (out == null) {
        try {
          out = e.run(wf, "in");
        } catch (FailingFaults.InjectedFault f) {
          failures++;
        }
      }
      faults.disarm();
      assertEquals(1, failures, "the fault hit write " + failAt);
      assertEquals(new WorkflowOutcome.Completed<>("in|0:1|1:1|2:1"), out, "fault at write " + failAt);
      // A fresh engine sees the same complete history.
      WorkflowEngine fresh = WorkflowEngine.open(a);
      assertEquals(WorkflowState.COMPLETED, fresh.status().state());
      assertEquals(4, fresh.history().entryCount());
      assertEquals(List.of(), fresh.history().repairs());
    }
  }

  @Test
  void attemptCutShortByAnEndedProcessCountsAgainstMaxAttempts() {
    AtomicInteger runs = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      String once = ctx.step("once", RetryPolicy.NONE, WorkflowCodecs.utf8(), () -> "r" + runs.incrementAndGet());
      ctx.step("next", String.class, () -> "n");
      return once;
    });
    WorkflowEngine first = WorkflowEngine.open(actor);
    // The attempt of "once" is written, its body runs, then the write of its result fails: as if the
    // process died after the side effect.
    faults.failWriteAfter(1);
    assertThrows(FailingFaults.InjectedFault.class, () -> first.run(wf, ""));
    WorkflowOutcome<String> out = WorkflowEngine.open(actor).run(wf, "");
    assertTrue(out instanceof WorkflowOutcome.Failed<String> f && f.error().message().contains("no attempts are left"), out.toString());
    assertEquals(1, runs.get(), "the body never runs more often than the policy allows");
  }

  // ------------------------------------------------------------------ model-based

  /** Random operations against the history and a model of memory and disk; checked after every step. */
  @net.jqwik.api.Property(tries = 40)
  void historyMatchesModel(@net.jqwik.api.ForAll("ops") List<int[]> ops) throws Exception {
    Path tmp = java.nio.file.Files.createTempDirectory("wfmodel");
    FailingFaults f = new FailingFaults();
    try (ActorStore s = ActorStore.open(tmp, StoreOptions.defaults().withFaults(f))) {
      ActorKeyspace a = s.actor("m");
      WorkflowHistory h = WorkflowHistory.load(a);
      for (int i = 0; i < 3; i++) {
        h.nameIndex("n" + i);
      }
      h.flush();
      java.util.TreeMap<WorkflowLocation, String> memory = new java.util.TreeMap<>(java.util.Comparator.comparing(WorkflowLocation::toString));
      java.util.TreeMap<WorkflowLocation, String> disk = new java.util.TreeMap<>(memory.comparator());
      int ids = 0;
      for (int[] op : ops) {
        WorkflowLocation loc = location(op);
        switch (op[0]) {
          case 0, 1, 2 -> {
            String id = "e" + ids++;
            h.putEntry(loc, step(id, 0, id));
            h.putMetadata(id, done());
            memory.put(loc, id);
          }
          case 3 -> {
            h.deleteSubtree(loc);
            memory.keySet().removeIf(l -> l.startsWith(loc));
          }
          case 4 -> {
            h.flush();
            disk = new java.util.TreeMap<>(memory);
          }
          case 5 -> {
            f.failWriteAfter(0);
            boolean wasDirty = h.isDirty();
            try {
              h.flush();
              assertFalse(wasDirty, "a dirty flush must have hit the fault");
            } catch (FailingFaults.InjectedFault expected) {
              assertTrue(wasDirty);
            }
            f.disarm();
          }
          default -> {
            h = WorkflowHistory.load(a, 2);
            memory = new java.util.TreeMap<>(disk);
          }
        }
        java.util.Map<WorkflowLocation, String> seen = new java.util.TreeMap<>(memory.comparator());
        for (WorkflowHistory.Entry e : h.entriesUnder(WorkflowLocation.root())) {
          seen.put(e.location(), e.value().getId());
          assertTrue(h.metadata(e.value().getId()).isPresent());
        }
        assertEquals(memory, seen);
        java.util.Map<WorkflowLocation, String> onDisk = new java.util.TreeMap<>(memory.comparator());
        for (KeyValue kv : a.scan(WorkflowKeys.history(), 10_000)) {
          onDisk.put(WorkflowKeys.historyLocation(kv.key()), HistoryEntry.parseFrom(kv.value()).getId());
        }
        assertEquals(disk, onDisk);
        Set<String> mdIds = new HashSet<>();
        for (KeyValue kv : a.scan(WorkflowKeys.entryMetadata(), 10_000)) {
          mdIds.add(WorkflowKeys.entryId(kv.key()));
        }
        assertEquals(new HashSet<>(disk.values()), mdIds, "metadata on disk = entries on disk");
      }
    } finally {
      deleteTree(tmp);
    }
  }

  private static WorkflowLocation location(int[] op) {
    List<WorkflowLocation.Segment> segs = new ArrayList<>();
    for (int i = 1; i + 1 < op.length; i += 2) {
      segs.add(op[i] % 2 == 0 ? new WorkflowLocation.Name(op[i + 1] % 3) : new WorkflowLocation.Loop(op[i + 1] % 3, op[i] / 2));
    }
    return new WorkflowLocation(segs);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<List<int[]>> ops() {
    net.jqwik.api.Arbitrary<Integer> kind = net.jqwik.api.Arbitraries.integers().between(0, 6);
    net.jqwik.api.Arbitrary<int[]> path = net.jqwik.api.Arbitraries.integers().between(0, 5).array(int[].class).ofMinSize(2).ofMaxSize(6)
        .filter(p -> p.length % 2 == 0);
    return net.jqwik.api.Combinators.combine(kind, path).as((k, p) -> {
      int[] op = new int[p.length + 1];
      op[0] = k;
      System.arraycopy(p, 0, op, 1, p.length);
      return op;
    }).list().ofMaxSize(30);
  }

  static void deleteTree(Path p) throws java.io.IOException {
    try (var walk = java.nio.file.Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        java.nio.file.Files.deleteIfExists(x);
      }
    }
  }

  @Test
  void newEntryIdsAreDistinctVersion4UuidsUnusedByTheHistory() {
    WorkflowHistory h = WorkflowHistory.load(actor);
    h.nameIndex("a");
    Set<String> ids = new HashSet<>();
    java.util.regex.Pattern v4 = java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    for (int i = 0; i < 5000; i++) {
      String id = h.newEntryId();
      assertTrue(v4.matcher(id).matches(), id);
      assertTrue(ids.add(id), id);
      if (i < 20) {
        h.putEntry(WorkflowLocation.root().name(0).loop(0, i), step(id, 0, "x"));
        h.putMetadata(id, done());
      }
    }
    h.flush();
    WorkflowHistory reloaded = WorkflowHistory.load(actor);
    for (int i = 0; i < 1000; i++) {
      String id = reloaded.newEntryId();
      assertTrue(reloaded.metadata(id).isEmpty(), id);
      assertTrue(v4.matcher(id).matches(), id);
    }
  }

  /** scopeSize (counted over the scope's subtree) against a model of the entries, under puts and deletes. */
  @Test
  void scopeSizeCountsDirectEntriesUnderRandomPutsAndDeletes() {
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 20; round++) {
      ActorKeyspace a = store.actor("scopes" + round);
      WorkflowHistory h = WorkflowHistory.load(a);
      for (int n = 0; n < 3; n++) {
        h.nameIndex("n" + n);
      }
      java.util.Map<WorkflowLocation, String> model = new java.util.HashMap<>();
      List<WorkflowLocation> parents = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        WorkflowLocation loc = WorkflowLocation.root();
        int depth = 1 + random.nextInt(3);
        for (int d = 0; d < depth; d++) {
          loc = random.nextBoolean() ? loc.name(random.nextInt(3)) : loc.loop(random.nextInt(3), random.nextInt(3));
        }
        switch (random.nextInt(4)) {
          case 0, 1 -> {
            if (loc.last() instanceof WorkflowLocation.Name) {
              String id = h.newEntryId();
              h.putEntry(loc, step(id, 0, "v"));
              h.putMetadata(id, done());
              model.put(loc, id);
            }
          }
          case 2 -> {
            h.deleteSubtree(loc);
            WorkflowLocation doomed = loc;
            model.keySet().removeIf(l -> l.startsWith(doomed));
          }
          default -> {
            WorkflowLocation parent = loc.parent();
            long loopIndex = random.nextInt(3);
            long from = random.nextInt(3);
            long to = from + random.nextInt(3);
            h.deleteLoopIterations(parent, loopIndex, from, to);
            for (long it = from; it < to; it++) {
              WorkflowLocation doomed = parent.loop(loopIndex, it);
              model.keySet().removeIf(l -> l.startsWith(doomed));
            }
          }
        }
        parents.add(loc.parent());
        for (WorkflowLocation p : List.of(parents.get(random.nextInt(parents.size())), WorkflowLocation.root(), loc)) {
          long expected = model.keySet().stream().filter(l -> !l.isRoot() && l.parent().equals(p)).count();
          assertEquals(expected, h.scopeSize(p), () -> "scope " + p);
        }
      }
      h.flush();
      WorkflowHistory reloaded = WorkflowHistory.load(a);
      for (WorkflowLocation p : parents) {
        long expected = model.keySet().stream().filter(l -> l.parent().equals(p)).count();
        assertEquals(expected, reloaded.scopeSize(p), () -> "reloaded scope " + p);
      }
    }
  }

  @Test
  void uuidStringIsTheJdkFormat() {
    java.util.Random random = new java.util.Random(11);
    long[] edge = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 0x0123456789abcdefL, 0xfedcba9876543210L};
    for (long msb : edge) {
      for (long lsb : edge) {
        assertEquals(new java.util.UUID(msb, lsb).toString(), WorkflowHistory.uuidString(msb, lsb));
      }
    }
    for (int i = 0; i < 10_000; i++) {
      long msb = random.nextLong();
      long lsb = random.nextLong();
      assertEquals(new java.util.UUID(msb, lsb).toString(), WorkflowHistory.uuidString(msb, lsb));
    }
  }
}
