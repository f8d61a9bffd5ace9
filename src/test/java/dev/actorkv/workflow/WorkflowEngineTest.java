package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.ManualClock;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.actorkv.testing.StoreFixture;

class WorkflowEngineTest {
  StoreFixture fixture;
  ActorStore store;
  ActorKeyspace actor;
  final ManualClock clock = new ManualClock();
  WorkflowOptions options;

  /** The engine under test; {@link PostgresWorkflowEngineTest} runs the same tests on PostgreSQL. */
  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
    store = fixture.open();
    actor = store.actor("wf");
    options = WorkflowOptions.defaults().withClock(clock);
  }

  @AfterEach
  void close() {
    store.close();
    fixture.close();
  }

  /** A fresh engine on the same actor, as after a restart. */
  WorkflowEngine reopen() {
    return WorkflowEngine.open(actor, options);
  }

  @Test
  void stepsAreRecordedOnceAndReplayed() {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      String x = ctx.step("a", String.class, () -> in + "-a" + a.incrementAndGet());
      long y = ctx.step("b", Long.class, () -> 40L + b.incrementAndGet());
      return x + "/" + y;
    });
    WorkflowOutcome<String> first = reopen().run(wf, "in");
    assertEquals(new WorkflowOutcome.Completed<>("in-a1/41"), first);
    // Completed workflows answer from the output field; a history replay also returns recorded results.
    assertEquals(first, reopen().run(wf, "other input"));
    assertEquals(1, a.get());
    assertEquals(1, b.get());
    assertEquals(WorkflowState.COMPLETED, WorkflowEngine.status(actor).state());
  }

  @Test
  void inputIsStoredOnceAndReused() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleep("nap", Duration.ofSeconds(10));
      return in;
    });
    WorkflowEngine e = reopen();
    assertEquals(new WorkflowOutcome.Sleeping<String>(clock.instant().plusSeconds(10)), e.run(wf, "first"));
    clock.advance(Duration.ofSeconds(10));
    assertEquals(new WorkflowOutcome.Completed<>("first"), reopen().run(wf, "second"));
    assertEquals("first", new String(actor.get(WorkflowKeys.field(WorkflowField.INPUT))));
  }

  @Test
  void resumeWithoutStoredInputIsRejected() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> in);
    assertThrows(IllegalStateException.class, () -> reopen().resume(wf));
  }

  @Test
  void sleepRecordsItsDeadlineOnceAndSuspends() {
    AtomicInteger after = new AtomicInteger();
    Workflow<String, Integer> wf = Workflow.of(String.class, Integer.class, (ctx, in) -> {
      ctx.sleep("wait", Duration.ofMinutes(5));
      return ctx.step("after", Integer.class, after::incrementAndGet);
    });
    Instant deadline = clock.instant().plus(Duration.ofMinutes(5));
    WorkflowEngine e = reopen();
    assertEquals(new WorkflowOutcome.Sleeping<Integer>(deadline), e.run(wf, ""));
    assertEquals(WorkflowState.SLEEPING, e.status().state());
    assertEquals(deadline, e.nextWakeUp().orElseThrow());
    assertEquals(deadline, WorkflowEngine.status(actor).wakeAt().orElseThrow());
    clock.advance(Duration.ofMinutes(2));
    // Still the first deadline, not now + 5 min.
    assertEquals(new WorkflowOutcome.Sleeping<Integer>(deadline), reopen().run(wf, ""));
    clock.set(deadline);
    assertEquals(new WorkflowOutcome.Completed<>(1), reopen().run(wf, ""));
    assertEquals(0, after.get() - 1);
  }

  @Test
  void sleepUntilPastDeadlineDoesNotSuspend() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleepUntil("past", clock.instant().minusSeconds(1));
      return "ok";
    });
    assertEquals(new WorkflowOutcome.Completed<>("ok"), reopen().run(wf, ""));
  }

  @Test
  void failedAttemptsAreRetriedAfterBackoffThenSucceed() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy retry = new RetryPolicy(5, Duration.ofSeconds(1), 2.0, Duration.ofSeconds(3), Duration.ZERO);
    Workflow<String, Integer> wf = Workflow.of(String.class, Integer.class, (ctx, in) ->
        ctx.step("flaky", retry, WorkflowCodecs.of(Integer.class), () -> {
          int n = calls.incrementAndGet();
          if (n < 4) {
            throw new IllegalStateException("attempt " + n);
          }
          return n;
        }));
    Instant t0 = clock.instant();
    assertEquals(new WorkflowOutcome.Sleeping<Integer>(t0.plusSeconds(1)), reopen().run(wf, ""));
    // Too early: nothing runs, same wake-up.
    assertEquals(new WorkflowOutcome.Sleeping<Integer>(t0.plusSeconds(1)), reopen().run(wf, ""));
    assertEquals(1, calls.get());
    clock.advance(Duration.ofSeconds(1));
    assertEquals(new WorkflowOutcome.Sleeping<Integer>(clock.instant().plusSeconds(2)), reopen().run(wf, ""));
    clock.advance(Duration.ofSeconds(2));
    // Backoff 4 s capped at 3 s.
    assertEquals(new WorkflowOutcome.Sleeping<Integer>(clock.instant().plusSeconds(3)), reopen().run(wf, ""));
    clock.advance(Duration.ofSeconds(3));
    WorkflowEngine e = reopen();
    assertEquals(new WorkflowOutcome.Completed<>(4), e.run(wf, ""));
    HistoryEntry step = e.history().entriesUnder(dev.actorkv.keyspace.WorkflowLocation.root()).getFirst().value();
    var md = e.history().metadata(step.getId()).orElseThrow();
    assertEquals(4, md.getAttempts());
    assertEquals(EntryStatus.ENTRY_COMPLETED, md.getStatus());
  }

  @Test
  void exhaustedRetriesFailTheWorkflowWithTheCause() {
    AtomicInteger calls = new AtomicInteger();
    RetryPolicy retry = new RetryPolicy(3, Duration.ZERO, 1.0, Duration.ZERO, Duration.ZERO);
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("doomed", retry, WorkflowCodecs.utf8(), () -> {
        throw new java.io.IOException("disk on fire " + calls.incrementAndGet());
      });
      return "unreachable";
    });
    WorkflowOutcome<String> out = reopen().run(wf, "");
    var failed = assertInstanceOf(WorkflowOutcome.Failed.class, out);
    assertEquals(StepFailedException.class.getName(), failed.error().type());
    assertTrue(failed.error().message().contains("disk on fire 3"), failed.error().message());
    assertTrue(failed.error().stackTrace().contains("IOException"));
    assertEquals(3, calls.get());
    assertEquals(out, reopen().run(wf, ""));
    assertEquals(3, calls.get());
    assertEquals(WorkflowState.FAILED, WorkflowEngine.status(actor).state());
  }

  @Test
  void attemptTimeoutCountsAsFailedAttempt() {
    RetryPolicy retry = RetryPolicy.NONE.withAttemptTimeout(Duration.ofMillis(100));
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) ->
        ctx.step("slow", retry, WorkflowCodecs.utf8(), () -> {
          Thread.sleep(10_000);
          return "late";
        }));
    var failed = assertInstanceOf(WorkflowOutcome.Failed.class, reopen().run(wf, ""));
    assertTrue(failed.error().message().contains("timed out"), failed.error().message());
  }

  @Test
  void workflowExceptionFailsWorkflowAndIsRecorded() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      throw new IllegalArgumentException("bad order " + in);
    });
    var failed = assertInstanceOf(WorkflowOutcome.Failed.class, reopen().run(wf, "7"));
    assertEquals(IllegalArgumentException.class.getName(), failed.error().type());
    assertEquals("bad order 7", failed.error().message());
    assertTrue(actor.get(WorkflowKeys.field(WorkflowField.ERROR)) != null);
  }

  @Test
  void kindChangeAtRecordedLocationIsDivergence() {
    Workflow<String, String> v1 = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("x", String.class, () -> "s");
      ctx.sleep("nap", Duration.ofHours(1));
      return "done";
    });
    reopen().run(v1, "");
    Workflow<String, String> v2 = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleep("x", Duration.ofHours(1));
      return "done";
    });
    HistoryDivergenceException e = assertThrows(HistoryDivergenceException.class, () -> reopen().run(v2, ""));
    assertEquals("/x/", e.location());
    assertTrue(e.getMessage().contains("recorded a step"), e.getMessage());
    // Not failed: fixed code resumes.
    assertEquals(WorkflowState.SLEEPING, WorkflowEngine.status(actor).state());
  }

  @Test
  void differentOperationAtRecordedPositionIsDivergence() {
    Workflow<String, String> v1 = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("charge", String.class, () -> "c");
      ctx.sleep("nap", Duration.ofHours(1));
      return "done";
    });
    reopen().run(v1, "");
    Workflow<String, String> renamed = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("bill", String.class, () -> "c");
      return "done";
    });
    HistoryDivergenceException e = assertThrows(HistoryDivergenceException.class, () -> reopen().run(renamed, ""));
    assertTrue(e.getMessage().contains("position #0"), e.getMessage());
    Workflow<String, String> reordered = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleep("nap", Duration.ofHours(1));
      ctx.step("charge", String.class, () -> "c");
      return "done";
    });
    HistoryDivergenceException e2 = assertThrows(HistoryDivergenceException.class, () -> reopen().run(reordered, ""));
    assertTrue(e2.getMessage().contains("#1 of its scope, now it is #0"), e2.getMessage());
  }

  @Test
  void divergenceSwallowedByWorkflowCodeStillStopsTheRun() {
    reopen().run(Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("x", String.class, () -> "s");
      ctx.sleep("nap", Duration.ofHours(1));
      return "";
    }), "");
    Workflow<String, String> swallowing = Workflow.of(String.class, String.class, (ctx, in) -> {
      try {
        ctx.sleep("x", Duration.ofHours(1));
      } catch (RuntimeException ignored) {
        // A careless workflow.
      }
      return "completed anyway";
    });
    assertThrows(HistoryDivergenceException.class, () -> reopen().run(swallowing, ""));
    assertEquals(WorkflowState.SLEEPING, WorkflowEngine.status(actor).state());
  }

  @Test
  void duplicateNameInScopeIsAnError() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("a", String.class, () -> "1");
      ctx.step("a", String.class, () -> "2");
      return "";
    });
    var f = assertInstanceOf(WorkflowOutcome.Failed.class, reopen().run(wf, ""));
    assertTrue(f.error().message().contains("used twice"), f.error().message());
  }

  @Test
  void cancelStopsSleepingWorkflowAndSticks() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleep("nap", Duration.ofHours(1));
      return "woke";
    });
    WorkflowEngine e = reopen();
    e.run(wf, "");
    assertTrue(e.cancel());
    assertFalse(e.cancel());
    clock.advance(Duration.ofHours(2));
    assertEquals(new WorkflowOutcome.Cancelled<String>(), e.run(wf, ""));
    assertEquals(new WorkflowOutcome.Cancelled<String>(), reopen().run(wf, ""));
    assertEquals(WorkflowState.CANCELLED, WorkflowEngine.status(actor).state());
  }

  @Test
  void cancelDuringRunCannotBeOverwrittenByItsFlushes() throws Exception {
    CountDownLatch inStep = new CountDownLatch(1);
    CountDownLatch cancelled = new CountDownLatch(1);
    AtomicInteger laterSteps = new AtomicInteger();
    WorkflowEngine e = reopen();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("first", String.class, () -> {
        inStep.countDown();
        assertTrue(cancelled.await(10, TimeUnit.SECONDS));
        return "x";
      });
      ctx.step("second", Integer.class, laterSteps::incrementAndGet);
      return "done";
    });
    Thread canceller = Thread.ofVirtual().start(() -> {
      try {
        inStep.await();
        assertTrue(e.cancel());
        cancelled.countDown();
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
      }
    });
    assertEquals(new WorkflowOutcome.Cancelled<String>(), e.run(wf, ""));
    canceller.join();
    assertEquals(0, laterSteps.get());
    assertEquals(WorkflowState.CANCELLED, WorkflowEngine.status(actor).state());
    assertEquals(WorkflowState.CANCELLED, reopen().status().state());
  }

  @Test
  void cancelOfFinishedWorkflowIsRefused() {
    WorkflowEngine e = reopen();
    e.run(Workflow.of(String.class, String.class, (ctx, in) -> in), "x");
    assertFalse(e.cancel());
    assertEquals(WorkflowState.COMPLETED, WorkflowEngine.status(actor).state());
  }

  @Test
  void joinRunsBranchesInParallelAndRecordsResults() {
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch both = new CountDownLatch(2);
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      Map<String, Integer> r = ctx.join("fanout", List.of(
          Branch.of("left", Integer.class, c -> c.step("work", Integer.class, () -> {
            runs.incrementAndGet();
            both.countDown();
            // Both branches are inside their step at the same time: they really run in parallel.
            assertTrue(both.await(10, TimeUnit.SECONDS));
            return 1;
          })),
          Branch.of("right", Integer.class, c -> c.step("work", Integer.class, () -> {
            runs.incrementAndGet();
            both.countDown();
            assertTrue(both.await(10, TimeUnit.SECONDS));
            return 2;
          }))));
      return r.toString();
    });
    assertEquals(new WorkflowOutcome.Completed<>("{left=1, right=2}"), reopen().run(wf, ""));
    assertEquals(2, runs.get());
  }

  @Test
  void joinSuspendsUntilEarliestBranchWakeAndResumesOnlyUnfinished() {
    AtomicInteger fastRuns = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      Map<String, String> r = ctx.join("j", List.of(
          Branch.of("fast", String.class, c -> c.step("s", String.class, () -> "f" + fastRuns.incrementAndGet())),
          Branch.of("slow", String.class, c -> {
            c.sleep("wait", Duration.ofMinutes(1));
            return "s";
          })));
      return r.get("fast") + r.get("slow");
    });
    Instant wake = clock.instant().plusSeconds(60);
    assertEquals(new WorkflowOutcome.Sleeping<String>(wake), reopen().run(wf, ""));
    clock.set(wake);
    assertEquals(new WorkflowOutcome.Completed<>("f1s"), reopen().run(wf, ""));
    assertEquals(1, fastRuns.get());
  }

  @Test
  void joinFailsWhenABranchFails() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.join("j", List.of(
          Branch.of("ok", String.class, c -> "fine"),
          Branch.of("bad", String.class, c -> {
            throw new IllegalStateException("branch broke");
          })));
      return "";
    });
    var f = assertInstanceOf(WorkflowOutcome.Failed.class, reopen().run(wf, ""));
    assertEquals(BranchFailedException.class.getName(), f.error().type());
    assertTrue(f.error().message().contains("branch broke"));
  }

  @Test
  void raceFirstWinsAndLosersHistoryIsDeleted() {
    AtomicInteger loserSteps = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> ctx.race("r", List.of(
        Branch.of("timeout", String.class, c -> {
          c.step("before", Integer.class, loserSteps::incrementAndGet);
          c.sleep("t", Duration.ofHours(1));
          return "timed out";
        }),
        Branch.of("work", String.class, c -> {
          c.sleep("w", Duration.ofSeconds(5));
          return c.step("result", String.class, () -> "worked");
        }))));
    WorkflowEngine e = reopen();
    assertEquals(new WorkflowOutcome.Sleeping<String>(clock.instant().plusSeconds(5)), e.run(wf, ""));
    long raceIdx = e.history().nameIndex("r");
    long loserIdx = e.history().nameIndex("timeout");
    var loserLoc = dev.actorkv.keyspace.WorkflowLocation.root().name(raceIdx).name(loserIdx);
    assertEquals(2, e.history().entriesUnder(loserLoc).size());
    clock.advance(Duration.ofSeconds(5));
    e = reopen();
    assertEquals(new WorkflowOutcome.Completed<>("worked"), e.run(wf, ""));
    assertEquals(0, e.history().entriesUnder(loserLoc).size());
    assertEquals(0, actor.scan(WorkflowKeys.historySubtree(loserLoc), 10).size());
    // Metadata of the deleted entries went with them.
    assertEquals(e.history().entryCount(), actor.scan(WorkflowKeys.entryMetadata(), 1000).size());
    assertEquals(1, loserSteps.get());
    assertEquals(new WorkflowOutcome.Completed<>("worked"), reopen().run(wf, ""));
  }

  @Test
  void raceLoserBlockedInStepIsInterrupted() {
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> ctx.race("r", List.of(
        Branch.of("blocked", String.class, c -> c.step("forever", String.class, () -> {
          Thread.sleep(60_000);
          return "never";
        })),
        Branch.of("quick", String.class, c -> "quick"))));
    long t0 = System.nanoTime();
    assertEquals(new WorkflowOutcome.Completed<>("quick"), reopen().run(wf, ""));
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
  }

  @Test
  void losingBranchStopsInsideItsNestedLoop() {
    AtomicInteger ticks = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> ctx.race("r", List.of(
        Branch.of("spinner", String.class, c -> c.loop("spin", LoopOptions.DEFAULT, 0, WorkflowCodecs.of(Integer.class),
            WorkflowCodecs.utf8(), (cc, i) -> {
              cc.step("tick", Integer.class, () -> {
                Thread.sleep(2);
                return ticks.incrementAndGet();
              });
              return LoopResult.next(i + 1);
            })),
        Branch.of("winner", String.class, c -> {
          c.step("wait-for-spinner", Integer.class, () -> {
            while (ticks.get() < 5) {
              Thread.sleep(1);
            }
            return 0;
          });
          return "won";
        }))));
    WorkflowEngine e = reopen();
    assertEquals(new WorkflowOutcome.Completed<>("won"), e.run(wf, ""));
    int after = ticks.get();
    // The spinner's history went with it: only the race entry and the winner's step are left.
    assertEquals(2, e.history().entryCount());
    assertEquals(after, ticks.get());
  }

  @Test
  void statusOfAnActorThatNeverRanIsNew() {
    assertEquals(WorkflowState.NEW, WorkflowEngine.status(actor).state());
    assertTrue(reopen().nextWakeUp().isEmpty());
  }

  @Test
  void loopCommitsStateAndTrimsHistory() {
    LoopOptions lo = new LoopOptions(5, 3);
    AtomicInteger bodies = new AtomicInteger();
    Workflow<Integer, Long> wf = Workflow.of(Integer.class, Long.class, (ctx, n) ->
        ctx.loop("sum", lo, 0L, WorkflowCodecs.of(Long.class), WorkflowCodecs.of(Long.class), (c, acc) -> {
          int i = c.step("item", Integer.class, bodies::incrementAndGet);
          return i >= n ? LoopResult.done(acc + i) : LoopResult.next(acc + i);
        }));
    WorkflowEngine e = reopen();
    assertEquals(new WorkflowOutcome.Completed<>(5050L), e.run(wf, 100));
    assertEquals(100, bodies.get());
    // Loop entry + the last K = 3 iterations, one step each.
    assertEquals(1 + 3, e.history().entryCount());
    assertEquals(4, actor.scan(WorkflowKeys.history(), 1000).size());
    assertEquals(4, actor.scan(WorkflowKeys.entryMetadata(), 1000).size());
  }

  @Test
  void loopResumesFromLastCommitReplayingLaterIterations() {
    LoopOptions lo = new LoopOptions(4, 2);
    List<Integer> executed = Collections.synchronizedList(new ArrayList<>());
    Workflow<Integer, Integer> wf = Workflow.of(Integer.class, Integer.class, (ctx, n) ->
        ctx.loop("l", lo, 0, WorkflowCodecs.of(Integer.class), WorkflowCodecs.of(Integer.class), (c, i) -> {
          c.step("do", Integer.class, () -> {
            executed.add(i);
            return i;
          });
          if (i == 6) {
            c.sleep("pause", Duration.ofSeconds(1));
          }
          return i + 1 >= n ? LoopResult.done(i + 1) : LoopResult.next(i + 1);
        }));
    reopen().run(wf, 10);
    clock.advance(Duration.ofSeconds(1));
    assertEquals(new WorkflowOutcome.Completed<>(10), reopen().run(wf, 10));
    // Iterations 4..6 replayed from history after the restart: every body ran exactly once.
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), executed);
  }

  @Test
  void tenThousandIterationsKeepHistoryBounded() {
    LoopOptions lo = LoopOptions.DEFAULT;
    int bound = lo.commitInterval() + lo.historyToKeep();
    int[] maxSeen = {0};
    WorkflowEngine e = reopen();
    Workflow<Integer, Integer> wf = Workflow.of(Integer.class, Integer.class, (ctx, n) ->
        ctx.loop("big", lo, 0, WorkflowCodecs.of(Integer.class), WorkflowCodecs.of(Integer.class), (c, i) -> {
          // One entry per iteration; a sleep that is already over records it without a flush of its own,
          // so the test writes once per commit (every N iterations) instead of once per iteration.
          c.sleepUntil("s", Instant.EPOCH);
          // Entries under this loop (its iterations), excluding the loop entry itself.
          maxSeen[0] = Math.max(maxSeen[0], e.history().entryCount() - 1);
          return i + 1 >= n ? LoopResult.done(i + 1) : LoopResult.next(i + 1);
        }));
    assertEquals(new WorkflowOutcome.Completed<>(10_000), e.run(wf, 10_000));
    assertTrue(maxSeen[0] <= bound, "max entries " + maxSeen[0]);
    assertTrue(maxSeen[0] >= bound - 1, "trimming too eager: " + maxSeen[0]);
    assertTrue(actor.scan(WorkflowKeys.history(), 100_000).size() <= bound + 1);
  }

  @Test
  void protobufAndJsonCodecsRoundTrip() {
    record Order(String id, int qty, List<String> tags) {}
    WorkflowCodec<Order> json = WorkflowCodecs.of(Order.class);
    Order o = new Order("o-1", 3, List.of("a", "b"));
    assertEquals(o, json.decode(json.encode(o)));
    assertThrows(WorkflowCodecException.class, () -> json.decode("{".getBytes()));
    assertThrows(WorkflowCodecException.class, () -> WorkflowCodecs.utf8().decode(new byte[] {(byte) 0xff}));
    assertThrows(IllegalArgumentException.class, () -> WorkflowCodecs.of(dev.actorkv.workflow.proto.WorkflowError.class));
    var pb = WorkflowCodecs.protobuf(dev.actorkv.workflow.proto.WorkflowError.parser());
    var err = dev.actorkv.workflow.proto.WorkflowError.newBuilder().setType("t").setMessage("m").build();
    assertEquals(err, pb.decode(pb.encode(err)));
    assertEquals(Long.valueOf(7), WorkflowCodecs.of(Long.class).decode(WorkflowCodecs.of(Long.class).encode(7L)));
  }

  @Test
  void retryPolicyBackoffIsExponentialAndCapped() {
    RetryPolicy p = new RetryPolicy(10, Duration.ofMillis(100), 3.0, Duration.ofSeconds(2), Duration.ZERO);
    assertEquals(Duration.ofMillis(100), p.backoffAfter(1));
    assertEquals(Duration.ofMillis(300), p.backoffAfter(2));
    assertEquals(Duration.ofMillis(900), p.backoffAfter(3));
    assertEquals(Duration.ofSeconds(2), p.backoffAfter(4));
    assertEquals(Duration.ofSeconds(2), p.backoffAfter(60));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, 1, Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(1, Duration.ZERO, 0.5, Duration.ZERO, Duration.ZERO));
  }
}
