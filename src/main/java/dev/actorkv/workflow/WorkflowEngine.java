package dev.actorkv.workflow;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.workflow.proto.WorkflowError;
import dev.actorkv.workflow.proto.WorkflowStateCode;
import dev.actorkv.workflow.proto.WorkflowStateValue;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an actor's workflow durably. The embedding actor runtime calls {@link #run} (first time with
 * the input, later with or without it: the input is stored once and reused); each call replays the
 * workflow from its history up to where it stopped and goes on until it completes, fails, is cancelled
 * or must wait. When it must wait, the outcome (and {@link #status()}, also readable without loading
 * the history through {@link #status(ActorKeyspace)}) says when to call again; the engine itself never
 * sleeps or polls. A workflow that waits until a time (sleep, retry backoff, receive timeout) also sets
 * the actor's alarm {@link WorkflowAlarms#WAKE_ALARM} to that time in the same atomic write, so an
 * {@link dev.actorkv.alarm.AlarmScheduler} with {@link WorkflowAlarms#handler} resumes it without the runtime keeping timers of its own.
 *
 * <p>Storage errors and {@link HistoryDivergenceException} are thrown from {@link #run} without
 * changing the workflow's recorded state: what was not written stays pending in memory and the next
 * call writes it first. One engine per actor.
 */
public final class WorkflowEngine {
  private static final int MAX_STACK_TRACE_CHARS = 16 * 1024;

  private final ActorKeyspace actor;
  private final WorkflowOptions options;
  private final ActorQueue queue;
  private final WorkflowHistory history;
  private final ReentrantLock runLock = new ReentrantLock();
  private final WorkflowMetrics metrics;

  private WorkflowEngine(ActorKeyspace actor, WorkflowOptions options, ActorQueue queue) {
    this.actor = actor;
    this.options = options;
    this.queue = queue;
    this.history = WorkflowHistory.load(actor, options.scanPageSize());
    this.metrics = WorkflowMetrics.of(actor.metrics());
  }

  public static WorkflowEngine open(ActorKeyspace actor) {
    return open(actor, WorkflowOptions.DEFAULTS);
  }

  public static WorkflowEngine open(ActorKeyspace actor, WorkflowOptions options) {
    return new WorkflowEngine(actor, options, null);
  }

  /** With the actor's queue, which {@link WorkflowContext#receive} takes messages from. */
  public static WorkflowEngine open(ActorKeyspace actor, WorkflowOptions options, ActorQueue queue) {
    return new WorkflowEngine(actor, options, java.util.Objects.requireNonNull(queue, "queue"));
  }

  public WorkflowHistory history() {
    return history;
  }

  public ActorKeyspace actor() {
    return actor;
  }

  public WorkflowStatus status() {
    return WorkflowStatus.of(history.state());
  }

  /** When the runtime should run a sleeping workflow again (empty unless it sleeps with a deadline). */
  public Optional<Instant> nextWakeUp() {
    WorkflowStatus s = status();
    return s.state() == WorkflowState.SLEEPING ? s.wakeAt() : Optional.empty();
  }

  /** The recorded status of {@code actor}'s workflow, read from the state field alone. */
  public static WorkflowStatus status(ActorKeyspace actor) {
    byte[] raw = actor.get(WorkflowKeys.field(WorkflowField.STATE));
    if (raw == null) {
      return WorkflowStatus.of(WorkflowStateValue.getDefaultInstance());
    }
    try {
      return WorkflowStatus.of(WorkflowStateValue.parseFrom(raw));
    } catch (InvalidProtocolBufferException e) {
      throw new WorkflowHistoryCorruptException("workflow state field does not decode: " + e.getMessage(), e);
    }
  }

  /**
   * Cancels the workflow: written at once; a run in progress stops at its next operation and returns
   * {@link WorkflowOutcome.Cancelled}, and nothing it flushes can overwrite the cancellation. Returns
   * false when the workflow had already completed, failed or been cancelled.
   */
  public boolean cancel() {
    return history.cancel(options.clock().millis());
  }

  /** Runs the workflow with its stored input; throws when it never ran (no input stored). */
  public <I, O> WorkflowOutcome<O> resume(Workflow<I, O> workflow) {
    if (history.field(WorkflowField.INPUT).isEmpty()) {
      throw new IllegalStateException("workflow of actor " + actor.actorId() + " has no stored input: start it with run(workflow, input)");
    }
    return run(workflow, null);
  }

  /**
   * Runs the workflow until it completes, fails, is cancelled or must wait. {@code input} is stored on
   * the first call; later calls use the stored input and ignore this one.
   */
  public <I, O> WorkflowOutcome<O> run(Workflow<I, O> workflow, I input) {
    runLock.lock();
    try {
      // A flush that failed last time is retried before anything else.
      history.flush();
      WorkflowStateValue state = history.state();
      switch (state.getState()) {
        case WORKFLOW_COMPLETED -> {
          return new WorkflowOutcome.Completed<>(workflow.outputCodec().decode(history.field(WorkflowField.OUTPUT).orElseThrow(
              () -> new WorkflowHistoryCorruptException("workflow is completed but has no output field"))));
        }
        case WORKFLOW_FAILED -> {
          return new WorkflowOutcome.Failed<>(recordedFailure());
        }
        case WORKFLOW_CANCELLED -> {
          return new WorkflowOutcome.Cancelled<>();
        }
        default -> {}
      }
      I in = storedInput(workflow, input);
      history.setState(stateValue(WorkflowStateCode.WORKFLOW_RUNNING));
      return execute(workflow, in);
    } finally {
      runLock.unlock();
    }
  }

  private <I, O> I storedInput(Workflow<I, O> workflow, I input) {
    Optional<byte[]> stored = history.field(WorkflowField.INPUT);
    if (stored.isPresent()) {
      return workflow.inputCodec().decode(stored.get());
    }
    byte[] bytes = workflow.inputCodec().encode(input);
    history.setField(WorkflowField.INPUT, bytes);
    return workflow.inputCodec().decode(bytes);
  }

  private <I, O> WorkflowOutcome<O> execute(Workflow<I, O> workflow, I input) {
    Run run = new Run(history, options, queue, metrics);
    WorkflowContext ctx = new WorkflowContext(run, WorkflowLocation.root());
    O output;
    try {
      output = workflow.function().run(ctx, input);
      ctx.checkSwallowedSuspension();
    } catch (Suspension s) {
      run.rethrowFatal();
      return suspended(s.wake);
    } catch (Cancellation c) {
      run.rethrowFatal();
      return cancelled();
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      run.rethrowFatal();
      if (ctx.suspendedWith() != null) {
        return suspended(ctx.suspendedWith().wake);
      }
      if (history.isCancelled()) {
        return cancelled();
      }
      return failed(t);
    }
    run.rethrowFatal();
    if (history.isCancelled()) {
      return cancelled();
    }
    byte[] bytes = workflow.outputCodec().encode(output);
    history.setField(WorkflowField.OUTPUT, bytes);
    history.setState(stateValue(WorkflowStateCode.WORKFLOW_COMPLETED));
    history.setWakeUp(null);
    history.flush();
    if (history.isCancelled()) {
      return cancelled();
    }
    return new WorkflowOutcome.Completed<>(workflow.outputCodec().decode(bytes));
  }

  private <O> WorkflowOutcome<O> suspended(Suspension.Wake wake) {
    WorkflowStateValue.Builder s = stateValue(WorkflowStateCode.WORKFLOW_SLEEPING).toBuilder()
        .setWaitingForMessages(wake.messages())
        .addAllWaitingQueues(wake.queues());
    if (wake.at() != null) {
      s.setWakeAtMs(wake.at().toEpochMilli());
    }
    history.setState(s.build());
    // The wake-up alarm is written by the same flush as the SLEEPING state (and the entries that made the
    // run wait), so no crash leaves a sleeping workflow without its alarm or an alarm without the sleep.
    history.setWakeUp(wake.at());
    history.flush();
    if (history.isCancelled()) {
      return cancelled();
    }
    if (wake.messages()) {
      return new WorkflowOutcome.WaitingForMessages<>(List.copyOf(wake.queues()), Optional.ofNullable(wake.at()));
    }
    return new WorkflowOutcome.Sleeping<>(wake.at());
  }

  private <O> WorkflowOutcome<O> cancelled() {
    // What the run recorded before it noticed is kept; the state stays CANCELLED (flush never writes it).
    history.setWakeUp(null);
    history.flush();
    return new WorkflowOutcome.Cancelled<>();
  }

  private <O> WorkflowOutcome<O> failed(Throwable t) {
    Throwable cause = t instanceof WorkflowBodyException && t.getCause() != null ? t.getCause() : t;
    StringWriter trace = new StringWriter();
    cause.printStackTrace(new PrintWriter(trace));
    String stack = trace.toString();
    if (stack.length() > MAX_STACK_TRACE_CHARS) {
      stack = stack.substring(0, MAX_STACK_TRACE_CHARS);
    }
    WorkflowError error = fit(WorkflowError.newBuilder()
        .setType(cause.getClass().getName())
        .setMessage(String.valueOf(cause.getMessage()))
        .setStackTrace(stack)
        .build());
    history.setField(WorkflowField.ERROR, error.toByteArray());
    history.setState(stateValue(WorkflowStateCode.WORKFLOW_FAILED));
    history.setWakeUp(null);
    history.flush();
    if (history.isCancelled()) {
      return new WorkflowOutcome.Cancelled<>();
    }
    return new WorkflowOutcome.Failed<>(WorkflowFailure.of(error));
  }

  /** The error, shortened (stack trace first, then message) until it fits the store's value limit. */
  private WorkflowError fit(WorkflowError error) {
    int max = actor.limits().maxValueBytes();
    if (error.getSerializedSize() <= max) {
      return error;
    }
    WorkflowError e = error.toBuilder().clearStackTrace().build();
    int over = e.getSerializedSize() - max;
    if (over > 0) {
      String m = e.getMessage();
      // Characters are at most 3 UTF-8 bytes here; cut generously, then mark the cut.
      e = e.toBuilder().setMessage(m.substring(0, Math.max(0, m.length() - over - 16)) + "...").build();
    }
    return e;
  }

  private WorkflowFailure recordedFailure() {
    byte[] raw = history.field(WorkflowField.ERROR).orElseThrow(
        () -> new WorkflowHistoryCorruptException("workflow failed but has no error field"));
    try {
      return WorkflowFailure.of(WorkflowError.parseFrom(raw));
    } catch (InvalidProtocolBufferException e) {
      throw new WorkflowHistoryCorruptException("workflow error field does not decode: " + e.getMessage(), e);
    }
  }

  private WorkflowStateValue stateValue(WorkflowStateCode code) {
    return WorkflowStateValue.newBuilder().setState(code).setUpdatedAtMs(options.clock().millis()).build();
  }
}
