package dev.actorkv.workflow;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.Alarm;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a workflow's wake-up becomes a durable alarm, and how an AlarmScheduler hands it back to
 * the engine (issue 20).
 *
 * <p>An actor has one workflow, and a run that must wait suspends until ONE time: the earliest of its
 * sleeps, step retry backoffs and receive timeouts (parallel branches merged). So the wake-up is one
 * alarm of the workflow's actor, named {@link #WAKE_ALARM}, with that time as its due time and an empty
 * payload. The engine sets it in the same atomic write that records the {@code SLEEPING} state, moves it
 * when a later run waits for another time, and deletes it (same write again) when the workflow waits
 * for messages only, completes, fails or is cancelled. A sleep of a loop iteration or of a branch needs
 * no alarm name of its own: whatever wakes first resumes the run, and the run sets the next wake-up.
 *
 * <p>Wiring, for a runtime that keeps one engine per actor:
 *
 * <pre>{@code
 * AlarmScheduler scheduler = AlarmScheduler.start(store,
 *     WorkflowAlarms.handler(actor -> engines.get(actor.actorId()).resume(checkout), appAlarms),
 *     AlarmSchedulerOptions.defaults());
 * }</pre>
 *
 * or handler(Workflow, WorkflowOptions, Handler) when engines are opened per
 * activation. Delivery is at least once; a resume is idempotent (the replay finds the sleep done and
 * recorded steps return their results), so a wake-up delivered twice runs nothing twice.
 */
public final class WorkflowAlarms {
  /**
   * The name of the alarm that wakes an actor's workflow. Reserved: an application's own alarms of a
   * workflow actor must use other names (the engine replaces and deletes this one).
   */
  public static final String WAKE_ALARM = "actorkv.workflow.wake";

  private WorkflowAlarms() {}

  /** Whether {@code alarm} is a workflow wake-up. */
  public static boolean isWakeUp(Alarm alarm) {
    return WAKE_ALARM.equals(alarm.name());
  }

  /** Adds to {@code batch} setting the wake-up alarm to {@code at}, or deleting it when {@code at} is null. */
  static void write(ActorBatch batch, Instant at) {
    if (at == null) {
      batch.deleteAlarm(WAKE_ALARM);
      return;
    }
    // A deadline outside what an alarm can hold: before the epoch is due at once, after year 9999 never.
    Instant due = at.isBefore(Alarm.MIN_DUE) ? Alarm.MIN_DUE : at.isAfter(Alarm.MAX_DUE) ? Alarm.MAX_DUE : at;
    batch.setAlarm(new Alarm(WAKE_ALARM, due));
  }
}
