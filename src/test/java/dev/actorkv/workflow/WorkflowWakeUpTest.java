package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.actorkv.alarm.AlarmScheduler;
import dev.actorkv.alarm.AlarmSchedulerOptions;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import dev.actorkv.testing.ManualClock;
import dev.actorkv.testing.StoreFixture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A waiting workflow's wake-up is its actor's durable alarm {@link WorkflowAlarms#WAKE_ALARM}, written in
 * the same atomic write as the SLEEPING state; {@link PostgresWorkflowWakeUpTest} on PostgreSQL.
 */
class WorkflowWakeUpTest {
  StoreFixture fixture;
  ActorStore store;
  ActorKeyspace actor;
  final ManualClock clock = new ManualClock();
  final FailingFaults faults = new FailingFaults();
  WorkflowOptions options;

  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
    store = fixture.open(StoreOptions.defaults().withFaults(faults));
    actor = store.actor("wf");
    options = WorkflowOptions.defaults().withClock(clock);
  }

  @AfterEach
  void close() {
    store.close();
    fixture.close();
  }

  Alarm wakeAlarm() {
    return actor.alarm(WorkflowAlarms.WAKE_ALARM);
  }

  /** step "a", sleep "nap" 10 s, step "b": each step counts its runs. */
  static Workflow<String, String> napping(AtomicInteger a, AtomicInteger b) {
    return Workflow.of(String.class, String.class, (ctx, in) -> {
      String x = ctx.step("a", String.class, () -> "a" + a.incrementAndGet());
      ctx.sleep("nap", Duration.ofSeconds(10));
      return x + ctx.step("b", String.class, () -> "b" + b.incrementAndGet());
    });
  }

  @Test
  void sleepSetsTheWakeUpAlarmAndCompletionDeletesIt() {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    Instant wake = clock.instant().plusSeconds(10);
    assertEquals(new WorkflowOutcome.Sleeping<String>(wake), WorkflowEngine.open(actor, options).run(napping(a, b), ""));
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, wake), wakeAlarm());
    assertEquals(List.of(new Alarm(WorkflowAlarms.WAKE_ALARM, wake)), actor.alarms());
    clock.advance(Duration.ofSeconds(10));
    assertEquals(new WorkflowOutcome.Completed<>("a1b1"), WorkflowEngine.open(actor, options).resume(napping(a, b)));
    assertNull(wakeAlarm());
  }

  @Test
  void aFailedWriteLeavesNeitherTheSleepNorItsAlarmAndTheRetryWritesBoth() {
    AtomicInteger a = new AtomicInteger();
    AtomicInteger b = new AtomicInteger();
    WorkflowEngine e = WorkflowEngine.open(actor, options);
    Workflow<String, String> wf = napping(a, b);
    // Step "a" writes its attempt, then its result with the sleep and the SLEEPING state: that one fails.
    faults.failWriteAfter(1);
    assertThrows(FailingFaults.InjectedFault.class, () -> e.run(wf, ""));
    assertEquals(WorkflowState.RUNNING, WorkflowEngine.status(actor).state());
    assertNull(wakeAlarm());
    // The next call writes what was pending first (state and alarm together), then replays.
    Instant wake = clock.instant().plusSeconds(10);
    faults.failWriteAfter(1);
    assertThrows(FailingFaults.InjectedFault.class, () -> e.run(wf, ""));
    assertEquals(WorkflowState.SLEEPING, WorkflowEngine.status(actor).state());
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, wake), wakeAlarm());
    faults.disarm();
    assertEquals(new WorkflowOutcome.Sleeping<String>(wake), e.run(wf, ""));
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, wake), wakeAlarm());
    assertEquals(1, a.get());
  }

  @Test
  void retryBackoffAndReceiveTimeoutWakeThroughTheAlarmAndAPlainReceiveDeletesIt() {
    AtomicInteger attempts = new AtomicInteger();
    ActorQueue queue = ActorQueue.open(actor);
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.step("flaky", RetryPolicy.DEFAULT.withBackoff(Duration.ofSeconds(3), 1.0, Duration.ofSeconds(3)), () -> {
        if (attempts.incrementAndGet() == 1) {
          throw new IllegalStateException("first attempt fails");
        }
      });
      ctx.receive("timed", List.of("x"), 1, Duration.ofMinutes(1));
      ctx.receive("forever", List.of("y"), 1, Duration.ZERO);
      return "done";
    });
    WorkflowEngine e = WorkflowEngine.open(actor, options, queue);
    Instant retry = clock.instant().plusSeconds(3);
    assertEquals(new WorkflowOutcome.Sleeping<String>(retry), e.run(wf, ""));
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, retry), wakeAlarm());
    clock.set(retry);
    Instant deadline = retry.plusSeconds(60);
    assertEquals(new WorkflowOutcome.WaitingForMessages<String>(List.of("x"), Optional.of(deadline)), e.run(wf, ""));
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, deadline), wakeAlarm());
    queue.enqueue("x", new byte[] {1});
    assertEquals(new WorkflowOutcome.WaitingForMessages<String>(List.of("y"), Optional.empty()), e.run(wf, ""));
    assertNull(wakeAlarm());
  }

  @Test
  void cancelDeletesTheWakeUpAlarm() {
    WorkflowEngine e = WorkflowEngine.open(actor, options);
    e.run(napping(new AtomicInteger(), new AtomicInteger()), "");
    assertEquals(clock.instant().plusSeconds(10), wakeAlarm().due());
    e.cancel();
    assertNull(wakeAlarm());
    assertEquals(WorkflowState.CANCELLED, WorkflowEngine.status(actor).state());
  }

  @Test
  void aFailedWorkflowHasNoWakeUpAlarm() {
    AtomicInteger n = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleep("nap", Duration.ofSeconds(1));
      ctx.step("boom", RetryPolicy.NONE, () -> {
        n.incrementAndGet();
        throw new IllegalStateException("boom");
      });
      return "never";
    });
    WorkflowEngine e = WorkflowEngine.open(actor, options);
    e.run(wf, "");
    clock.advance(Duration.ofSeconds(1));
    assertEquals(WorkflowOutcome.Failed.class, e.run(wf, "").getClass());
    assertNull(wakeAlarm());
    assertEquals(1, n.get());
  }

  // ------------------------------------------------------------------ resumed by the scheduler

  /** An application handler for alarms that are not wake-ups: records them. */
  final List<String> appAlarms = Collections.synchronizedList(new ArrayList<>());

  AlarmScheduler.Handler handler(Workflow<?, ?> wf, WorkflowOptions engineOptions) {
    return WorkflowAlarms.handler(wf, engineOptions, (a, alarm) -> appAlarms.add(a.actorId() + "/" + alarm.name()));
  }

  /** step a, sleep 10 s, step b, sleep 10 s, step c; counts[i] counts the runs of step i. */
  static Workflow<String, String> twoNaps(AtomicInteger[] counts) {
    return Workflow.of(String.class, String.class, (ctx, in) -> {
      String x = ctx.step("a", String.class, () -> "a" + counts[0].incrementAndGet());
      ctx.sleep("nap-1", Duration.ofSeconds(10));
      x += ctx.step("b", String.class, () -> "b" + counts[1].incrementAndGet());
      ctx.sleep("nap-2", Duration.ofSeconds(10));
      return x + ctx.step("c", String.class, () -> "c" + counts[2].incrementAndGet());
    });
  }

  static AtomicInteger[] counters() {
    return new AtomicInteger[] {new AtomicInteger(), new AtomicInteger(), new AtomicInteger()};
  }

  static List<Integer> values(AtomicInteger[] counts) {
    return List.of(counts[0].get(), counts[1].get(), counts[2].get());
  }

  @Test
  void theSchedulerResumesASleepingWorkflowOnceItsWakeTimePassed() {
    AtomicInteger[] counts = counters();
    Workflow<String, String> wf = twoNaps(counts);
    Instant start = clock.instant();
    assertEquals(new WorkflowOutcome.Sleeping<String>(start.plusSeconds(10)), WorkflowEngine.open(actor, options).run(wf, "in"));
    AlarmScheduler scheduler = AlarmScheduler.manual(store, handler(wf, options), AlarmSchedulerOptions.defaults().withClock(clock));
    clock.advance(Duration.ofMillis(9_999));
    assertEquals(new AlarmScheduler.Round(0, 0, 0), scheduler.runDue());
    assertEquals(WorkflowState.SLEEPING, WorkflowEngine.status(actor).state());
    clock.advance(Duration.ofMillis(1));
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    // Resumed by the scheduler alone: step b ran, and the second sleep moved the same alarm on.
    assertEquals(List.of(1, 1, 0), values(counts));
    assertEquals(WorkflowState.SLEEPING, WorkflowEngine.status(actor).state());
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, start.plusSeconds(20)), wakeAlarm());
    clock.advance(Duration.ofSeconds(10));
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    assertEquals(WorkflowState.COMPLETED, WorkflowEngine.status(actor).state());
    assertEquals(List.of(1, 1, 1), values(counts));
    assertNull(wakeAlarm());
    assertEquals(List.of(), store.pendingAlarms(null, 10));
    assertEquals(List.of(), appAlarms);
  }

  @Test
  void aWakeUpDeliveredTwiceRunsNothingTwice() throws Exception {
    AtomicInteger[] counts = counters();
    Workflow<String, String> wf = twoNaps(counts);
    WorkflowEngine.open(actor, options).run(wf, "in");
    AlarmScheduler.Handler handler = handler(wf, options);
    Alarm first = wakeAlarm();
    clock.advance(Duration.ofSeconds(10));
    handler.deliver(actor, first);
    assertEquals(List.of(1, 1, 0), values(counts));
    // The same wake-up again (a scheduler that died before deleting it): the replay finds nap-1 done.
    handler.deliver(actor, first);
    assertEquals(List.of(1, 1, 0), values(counts));
    assertEquals(WorkflowState.SLEEPING, WorkflowEngine.status(actor).state());
    // And through the scheduler: the delivered alarm is set back as if its delete had been lost.
    AlarmScheduler scheduler = AlarmScheduler.manual(store, handler, AlarmSchedulerOptions.defaults().withClock(clock));
    actor.commit(actor.batch().setAlarm(first));
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    assertEquals(List.of(1, 1, 0), values(counts));
    clock.advance(Duration.ofSeconds(10));
    Alarm second = wakeAlarm();
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    assertEquals(List.of(1, 1, 1), values(counts));
    handler.deliver(actor, second);
    actor.commit(actor.batch().setAlarm(second));
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    assertEquals(List.of(1, 1, 1), values(counts));
    assertEquals(WorkflowState.COMPLETED, WorkflowEngine.status(actor).state());
  }

  @Test
  void otherAlarmsGoToTheApplicationsHandler() {
    ActorKeyspace other = store.actor("app");
    other.commit(other.batch().setAlarm("reminder", clock.instant(), new byte[] {1}));
    AlarmScheduler scheduler = AlarmScheduler.manual(store,
        handler(twoNaps(counters()), options), AlarmSchedulerOptions.defaults().withClock(clock));
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    assertEquals(List.of("app/reminder"), appAlarms);
  }

  @Test
  void aWakeUpTheEnginesClockThinksEarlyIsRetriedNotLost() {
    AtomicInteger[] counts = counters();
    Workflow<String, String> wf = twoNaps(counts);
    WorkflowEngine.open(actor, options).run(wf, "in");
    Instant due = wakeAlarm().due();
    // The engine's clock runs 1 s behind the scheduler's.
    ManualClock behind = new ManualClock(clock.millis() - 1_000);
    AlarmScheduler scheduler = AlarmScheduler.manual(store, handler(wf, options.withClock(behind)),
        AlarmSchedulerOptions.defaults().withClock(clock).withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(2)));
    clock.set(due);
    behind.set(due.minusSeconds(1));
    assertEquals(new AlarmScheduler.Round(0, 1, 0), scheduler.runDue());
    assertEquals(new Alarm(WorkflowAlarms.WAKE_ALARM, due.plusSeconds(2)), wakeAlarm());
    clock.advance(Duration.ofSeconds(2));
    behind.advance(Duration.ofSeconds(2));
    assertEquals(new AlarmScheduler.Round(1, 0, 0), scheduler.runDue());
    assertEquals(List.of(1, 1, 0), values(counts));
  }

  /** The case on the real clock: no call of resume(), the scheduler's thread wakes it. */
  @Test
  void aSleepingWorkflowIsResumedOnTheRealClock() throws Exception {
    AtomicInteger b = new AtomicInteger();
    Workflow<String, String> wf = Workflow.of(String.class, String.class, (ctx, in) -> {
      ctx.sleep("nap", Duration.ofMillis(300));
      return ctx.step("b", String.class, () -> "b" + b.incrementAndGet());
    });
    WorkflowOptions real = WorkflowOptions.defaults();
    try (AlarmScheduler scheduler = AlarmScheduler.start(store, handler(wf, real), AlarmSchedulerOptions.defaults())) {
      WorkflowOutcome<String> first = WorkflowEngine.open(actor, real).run(wf, "");
      Instant wake = ((WorkflowOutcome.Sleeping<String>) first).wakeAt();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (WorkflowEngine.status(actor).state() != WorkflowState.COMPLETED) {
        if (System.nanoTime() > deadline) {
          fail("still " + WorkflowEngine.status(actor).state() + " 20 s after " + wake);
        }
        Thread.sleep(20);
      }
      assertTrue(!Instant.now().isBefore(wake));
    }
    assertEquals(1, b.get());
    assertNull(wakeAlarm());
  }
}
