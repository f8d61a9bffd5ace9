package dev.actorkv.workflow;

import dev.actorkv.alarm.AlarmScheduler;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.Alarm;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a workflow's wake-up becomes a durable alarm, and how an {@link AlarmScheduler} hands it back to
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
 * or {@link #handler(Workflow, WorkflowOptions, AlarmScheduler.Handler)} when engines are opened per
 * activation. Delivery is at least once; a resume is idempotent (the replay finds the sleep done and
 * recorded steps return their results), so a wake-up delivered twice runs nothing twice.
 */
public final class WorkflowAlarms {
  /**
   * The name of the alarm that wakes an actor's workflow. Reserved: an application's own alarms of a
   * workflow actor must use other names (the engine replaces and deletes this one).
   */
  public static final String WAKE_ALARM = "actorkv.workflow.wake";

  /** Resumes the workflow of {@code actor} and returns how that run ended (e.g. {@link WorkflowEngine#resume}). */
  @FunctionalInterface
  public interface Resumer {
    WorkflowOutcome<?> resume(ActorKeyspace actor) throws Exception;
  }

  /**
   * Thrown by the handler when the resumed workflow still waits for the time the alarm was set to: the
   * engine's clock is behind the scheduler's. The scheduler retries the alarm after its backoff instead
   * of deleting it (which would leave the workflow sleeping with no wake-up).
   */
  public static final class WakeUpTooEarlyException extends WorkflowException {
    WakeUpTooEarlyException(String actorId, Instant due) {
      super("workflow of actor " + actorId + " is not due yet by its engine's clock (wake-up at " + due + ")");
    }
  }

  private WorkflowAlarms() {}

  /** Whether {@code alarm} is a workflow wake-up. */
  public static boolean isWakeUp(Alarm alarm) {
    return WAKE_ALARM.equals(alarm.name());
  }

  /**
   * A scheduler handler that resumes the workflow for each wake-up alarm through {@code workflows} and
   * passes every other alarm to {@code others} (the application's handler).
   */
  public static AlarmScheduler.Handler handler(Resumer workflows, AlarmScheduler.Handler others) {
    Objects.requireNonNull(workflows, "workflows");
    Objects.requireNonNull(others, "others");
    return (actor, alarm) -> {
      if (!isWakeUp(alarm)) {
        others.deliver(actor, alarm);
        return;
      }
      Optional<Instant> again = switch (workflows.resume(actor)) {
        case WorkflowOutcome.Sleeping<?> s -> Optional.of(s.wakeAt());
        case WorkflowOutcome.WaitingForMessages<?> w -> w.deadline();
        default -> Optional.empty();
      };
      if (again.isPresent() && !again.get().isAfter(alarm.due())) {
        throw new WakeUpTooEarlyException(actor.actorId(), again.get());
      }
    };
  }

  /**
   * {@link #handler(Resumer, AlarmScheduler.Handler)} that opens an engine on the delivered actor with
   * {@code options} and resumes {@code workflow}: for runtimes that do not keep engines between
   * activations (one engine per actor at a time stays the contract).
   */
  public static <I, O> AlarmScheduler.Handler handler(Workflow<I, O> workflow, WorkflowOptions options, AlarmScheduler.Handler others) {
    Objects.requireNonNull(workflow, "workflow");
    Objects.requireNonNull(options, "options");
    return handler(actor -> WorkflowEngine.open(actor, options).resume(workflow), others);
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
