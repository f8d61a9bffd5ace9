package dev.actorkv.workflow;

import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.workflow.proto.BranchResult;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.JoinEntry;
import dev.actorkv.workflow.proto.LoopEntry;
import dev.actorkv.workflow.proto.MessagesEntry;
import dev.actorkv.workflow.proto.RaceEntry;
import dev.actorkv.workflow.proto.SleepEntry;
import dev.actorkv.workflow.proto.StepEntry;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What a workflow function uses to do durable work. Every operation has a name that is unique within
 * its scope (the workflow, a loop iteration, a branch) and is recorded in history at the location
 * {@code scope + name}; when the workflow runs again, recorded operations return their recorded results
 * instead of running again. Operations must be issued in the same order on every run: a different kind
 * at a recorded location, or a different operation at a recorded position, raises
 * {@link HistoryDivergenceException}.
 *
 * <p>A context belongs to one thread of the workflow (branches get their own); it is not for sharing.
 */
public final class WorkflowContext {
  private final Run run;
  private final WorkflowLocation scope;
  /** The enclosing context (null at the root): a cancelled branch cancels everything inside it. */
  private final WorkflowContext parent;
  private final Set<String> usedNames = new HashSet<>();
  private int nextOrdinal;
  /**
   * Entries the history had in this scope when this context first entered an operation (-1 before).
   * Only this context records into its scope (a run has one context per scope; branches and loop
   * iterations get scopes of their own), so when that was 0 every entry in the scope is one this
   * context created, under a name it already used: a new operation has nothing to find or diverge from.
   */
  private int recordedInScope = -1;
  /** New entries this context recorded in its scope: with recordedInScope, the scope's size now. */
  private int createdInScope;
  /** The packed prefix of this scope's history keys, from which each operation's key is built. */
  private byte[] scopeKeyPrefix;
  /** Set when this context's branch lost a race: every further operation unwinds. */
  private volatile boolean cancelled;
  private Suspension suspended;

  WorkflowContext(Run run, WorkflowLocation scope) {
    this(run, scope, null);
  }

  private WorkflowContext(Run run, WorkflowLocation scope, WorkflowContext parent) {
    this.run = run;
    this.scope = scope;
    this.parent = parent;
  }

  /** The instant source of the engine, for code that needs "now" consistently with sleeps. */
  public Instant now() {
    return run.clock().instant();
  }

  /** {@link #now()} in epoch milliseconds, without an {@link Instant} in between. */
  private long nowMillis() {
    return run.clock().millis();
  }

  /** The history location this context's operations are recorded under. */
  public WorkflowLocation scope() {
    return scope;
  }

  // ------------------------------------------------------------------ steps

  /** Runs {@code body} once (with the engine's default retry policy) and records its result. */
  public <T> T step(String name, Class<T> type, Callable<? extends T> body) {
    return step(name, run.options().defaultRetry(), run.codecOf(type), body);
  }

  public <T> T step(String name, WorkflowCodec<T> codec, Callable<? extends T> body) {
    return step(name, run.options().defaultRetry(), codec, body);
  }

  /** A step run for its effect only. */
  public void step(String name, RetryPolicy retry, StepAction body) {
    step(name, retry, WorkflowCodecs.none(), () -> {
      body.run();
      return null;
    });
  }

  /** A step with no result. */
  @FunctionalInterface
  public interface StepAction {
    void run() throws Exception;
  }

  /**
   * Runs {@code body} and records its result, or returns the recorded result when this step already
   * completed. Each attempt is recorded in the entry's metadata before the body runs (so a body runs at
   * most once per recorded attempt, crashes included). A failed attempt is retried after the policy's
   * backoff: the run suspends until then (zero backoff retries at once). When the last attempt fails the
   * step is recorded as failed and {@link StepFailedException} (cause: the last error) fails the workflow.
   */
  public <T> T step(String name, RetryPolicy retry, WorkflowCodec<T> codec, Callable<? extends T> body) {
    Located at = enter(name, HistoryEntry.KindCase.STEP);
    HistoryEntry entry;
    EntryMetadata md;
    if (at.entry().isPresent()) {
      entry = at.entry().get();
      StepEntry recorded = entry.getStep();
      if (recorded.getHasOutput()) {
        run.metrics().replays.add(1);
        return codec.decode(recorded.getOutput().toByteArray());
      }
      md = nextAttempt(name, at, entry, retry);
    } else {
      // A new step goes straight to its first attempt: the entry and the attempt's metadata are built
      // once here (a pending state in between would never be written: the attempt is flushed first).
      long nowMs = nowMillis();
      entry = record(at, HistoryEntry.newBuilder().setStep(StepEntry.getDefaultInstance()));
      md = EntryMetadata.newBuilder().setStatus(EntryStatus.ENTRY_RUNNING).setAttempts(1)
          .setCreatedAtMs(nowMs).setLastAttemptAtMs(nowMs).build();
    }
    while (true) {
      run.history().putMetadata(entry.getId(), md);
      // Durable before the body's side effects: the attempt is counted even if the process dies now.
      run.flush();
      run.metrics().steps.add(1);
      T value;
      try {
        value = runAttempt(name, retry.attemptTimeout(), body);
      } catch (Suspension | Cancellation s) {
        throw s;
      } catch (Throwable t) {
        attemptFailed(name, at, entry, md, retry, t);
        md = nextAttempt(name, at, entry, retry);
        continue;
      }
      checkCancelled();
      byte[] bytes = codec.encode(value);
      put(at, HistoryEntry.newBuilder()
          .setId(entry.getId())
          .setOrdinal(entry.getOrdinal())
          .setStep(StepEntry.newBuilder().setHasOutput(true).setOutput(ByteString.copyFrom(bytes)))
          .build());
      run.history().putMetadata(entry.getId(),
          md.toBuilder().setStatus(EntryStatus.ENTRY_COMPLETED).setCompletedAtMs(nowMillis()).clearRetryAtMs().build());
      // What replay will return, so the first run sees exactly the same value.
      return codec.decode(bytes);
    }
  }

  /**
   * The metadata of the next attempt of the recorded, unfinished step {@code entry}. Throws when there
   * is none now: the step failed for good, its retry is not due yet (the run suspends), or its last
   * allowed attempt was interrupted.
   */
  private EntryMetadata nextAttempt(String name, Located at, HistoryEntry entry, RetryPolicy retry) {
    EntryMetadata md = run.history().metadata(entry.getId()).orElseThrow();
    String recordedError = entry.getStep().getError();
    if (!recordedError.isEmpty()) {
      throw new StepFailedException(name, md.getAttempts(), new RecordedFailure(recordedError));
    }
    long nowMs = nowMillis();
    if (md.getStatus() == EntryStatus.ENTRY_RETRYING && nowMs < md.getRetryAtMs()) {
      throw suspend(new Suspension.Wake(Instant.ofEpochMilli(md.getRetryAtMs()), false, Set.of()));
    }
    int attempt = md.getAttempts() + 1;
    if (attempt > retry.maxAttempts()) {
      // The last allowed attempt started but never finished (the process ended during it).
      String error = "attempt " + md.getAttempts() + " was interrupted (the process ended) and no attempts are left";
      failStep(at, entry, md, error, nowMs);
      throw new StepFailedException(name, md.getAttempts(), new RecordedFailure(error));
    }
    return md.toBuilder().setStatus(EntryStatus.ENTRY_RUNNING).setAttempts(attempt).setLastAttemptAtMs(nowMs).build();
  }

  /**
   * Attempt {@code md.getAttempts()} threw {@code t}: records the step as failed for good (and throws
   * {@link StepFailedException}) when it was the last allowed one, else records when to retry.
   */
  private void attemptFailed(String name, Located at, HistoryEntry entry, EntryMetadata md, RetryPolicy retry, Throwable t) {
    checkCancelled();
    String error = describe(t);
    long done = nowMillis();
    int attempt = md.getAttempts();
    if (attempt >= retry.maxAttempts()) {
      failStep(at, entry, md, error, done);
      throw new StepFailedException(name, attempt, t);
    }
    long retryAt = done + retry.backoffAfter(attempt).toMillis();
    run.history().putMetadata(entry.getId(),
        md.toBuilder().setStatus(EntryStatus.ENTRY_RETRYING).setLastError(error).setRetryAtMs(retryAt).build());
  }

  /** Records the step as failed for good with {@code error}. */
  private void failStep(Located at, HistoryEntry entry, EntryMetadata md, String error, long nowMs) {
    put(at, HistoryEntry.newBuilder()
        .setId(entry.getId())
        .setOrdinal(entry.getOrdinal())
        .setStep(StepEntry.newBuilder().setError(error))
        .build());
    run.history().putMetadata(entry.getId(),
        md.toBuilder().setStatus(EntryStatus.ENTRY_FAILED).setLastError(error).setCompletedAtMs(nowMs).build());
  }

  private static <T> T runAttempt(String name, Duration timeout, Callable<? extends T> body) throws Exception {
    if (timeout.isZero()) {
      return body.call();
    }
    FutureTask<T> task = new FutureTask<>(body::call);
    Thread worker = Thread.ofVirtual().name("workflow-step-" + name).start(task);
    try {
      return task.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      worker.join(Duration.ofSeconds(1));
      throw new StepTimeoutException(name, timeout);
    } catch (InterruptedException e) {
      // The run is being cancelled (a lost race): stop the attempt too.
      task.cancel(true);
      throw e;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception ex) {
        throw ex;
      }
      throw (Error) cause;
    }
  }

  // ------------------------------------------------------------------ sleep

  /** Sleeps {@code duration} from the first time this sleep is reached (the deadline is recorded once). */
  public void sleep(String name, Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("sleep duration must not be negative");
    }
    sleepAt(name, () -> now().plus(duration));
  }

  /** Sleeps until {@code deadline}: returns at once when it has passed, else the run suspends until then. */
  public void sleepUntil(String name, Instant deadline) {
    sleepAt(name, () -> deadline);
  }

  private void sleepAt(String name, java.util.function.Supplier<Instant> firstDeadline) {
    Located at = enter(name, HistoryEntry.KindCase.SLEEP);
    HistoryEntry entry = at.entry().orElseGet(() -> create(at,
        HistoryEntry.newBuilder().setSleep(SleepEntry.newBuilder().setDeadlineMs(firstDeadline.get().toEpochMilli()))));
    SleepEntry s = entry.getSleep();
    if (s.getDone()) {
      return;
    }
    if (nowMillis() < s.getDeadlineMs()) {
      throw suspend(new Suspension.Wake(Instant.ofEpochMilli(s.getDeadlineMs()), false, Set.of()));
    }
    put(at, entry.toBuilder().setSleep(s.toBuilder().setDone(true)).build());
    complete(entry.getId());
  }

  // ------------------------------------------------------------------ loop

  /** A loop with the engine's default loop options and default codecs of the state and result types. */
  public <S, R> R loop(String name, S initialState, Class<S> stateType, Class<R> resultType, LoopBody<S, R> body) {
    return loop(name, run.options().defaultLoop(), initialState, run.codecOf(stateType), run.codecOf(resultType), body);
  }

  /**
   * Runs {@code body} until it returns {@link LoopResult#done}. Each iteration is a scope of its own at
   * {@code (loop_name_index, iteration)}. Every {@code commitInterval} iterations the state is committed
   * (the loop entry is rewritten and flushed) and the history of iterations older than the last
   * {@code historyToKeep} is range-deleted in the same batch. A resumed loop restarts from the last
   * commit; the iterations after it replay from their history. The options are recorded with the loop:
   * a resumed loop keeps the ones it started with.
   */
  public <S, R> R loop(String name, LoopOptions options, S initialState, WorkflowCodec<S> stateCodec, WorkflowCodec<R> resultCodec,
      LoopBody<S, R> body) {
    Located at = enter(name, HistoryEntry.KindCase.LOOP);
    HistoryEntry entry = at.entry().orElseGet(() -> create(at, HistoryEntry.newBuilder().setLoop(LoopEntry.newBuilder()
        .setState(ByteString.copyFrom(stateCodec.encode(initialState)))
        .setCommitInterval(options.commitInterval())
        .setHistoryToKeep(options.historyToKeep()))));
    LoopEntry le = entry.getLoop();
    if (le.getDone()) {
      return resultCodec.decode(le.getOutput().toByteArray());
    }
    long loopIndex = at.nameIndex();
    int commitEvery = Math.max(1, le.getCommitInterval());
    int keep = le.getHistoryToKeep();
    long iteration = le.getIteration();
    S state = stateCodec.decode(le.getState().toByteArray());
    while (true) {
      WorkflowContext iterationCtx = new WorkflowContext(run, scope.loop(loopIndex, iteration), this);
      LoopResult<S, R> r;
      try {
        r = body.iterate(iterationCtx, state);
      } catch (Exception e) {
        throw iterationCtx.rethrowSuspension(e);
      }
      iterationCtx.checkSwallowedSuspension();
      iteration++;
      long trimTo = Math.max(le.getTrimmedBelow(), iteration - keep);
      switch (r) {
        case LoopResult.Done<S, R> done -> {
          byte[] out = resultCodec.encode(done.result());
          run.history().deleteLoopIterations(scope, loopIndex, le.getTrimmedBelow(), trimTo);
          le = le.toBuilder().setDone(true).setOutput(ByteString.copyFrom(out)).setIteration(iteration).setTrimmedBelow(trimTo)
              .clearState().build();
          put(at, entry.toBuilder().setLoop(le).build());
          complete(entry.getId());
          return resultCodec.decode(out);
        }
        case LoopResult.Next<S, R> next -> {
          state = next.state();
          if (iteration % commitEvery == 0) {
            run.history().deleteLoopIterations(scope, loopIndex, le.getTrimmedBelow(), trimTo);
            le = le.toBuilder().setIteration(iteration).setState(ByteString.copyFrom(stateCodec.encode(state)))
                .setTrimmedBelow(trimTo).build();
            put(at, entry.toBuilder().setLoop(le).build());
            run.flush();
          }
        }
      }
    }
  }

  // ------------------------------------------------------------------ join and race

  /**
   * Runs the branches in parallel (each on a virtual thread, each with its own history subtree under
   * the join's location) and returns their results by branch name, in the given order. Finished
   * branches are recorded in the join entry and not run again. When a branch fails, the join fails with
   * {@link BranchFailedException} once every branch has finished or suspended; when some branch must
   * wait, the join suspends (the earliest wake-up of its branches) and resumes the unfinished ones later.
   */
  public <T> Map<String, T> join(String name, List<Branch<T>> branches) {
    Located at = enter(name, HistoryEntry.KindCase.JOIN);
    checkBranchNames(branches);
    HistoryEntry entry = at.entry().orElseGet(() -> create(at, HistoryEntry.newBuilder().setJoin(JoinEntry.getDefaultInstance())));
    Map<String, BranchResult> recorded = entry.getJoin().getBranchesMap();
    List<Branch<T>> pending = new ArrayList<>();
    for (Branch<T> b : branches) {
      BranchResult r = recorded.get(b.name());
      if (r == null || (!r.getDone() && r.getError().isEmpty())) {
        pending.add(b);
      }
    }
    List<Outcome<T>> outcomes = runBranches(at, pending, false);
    JoinEntry.Builder je = entry.getJoin().toBuilder();
    Map<String, String> errors = new LinkedHashMap<>();
    Throwable firstCause = null;
    Suspension.Wake wake = null;
    for (Outcome<T> o : outcomes) {
      switch (o.kind) {
        case VALUE -> je.putBranches(o.branch.name(),
            BranchResult.newBuilder().setDone(true).setOutput(ByteString.copyFrom(o.encoded)).build());
        case FAILED -> {
          je.putBranches(o.branch.name(), BranchResult.newBuilder().setError(describe(o.error)).build());
          errors.put(o.branch.name(), describe(o.error));
          firstCause = firstCause == null ? o.error : firstCause;
        }
        case SUSPENDED -> wake = wake == null ? o.wake : wake.merge(o.wake);
        case CANCELLED -> throw new Cancellation("join cancelled");
      }
    }
    for (Map.Entry<String, BranchResult> r : je.getBranchesMap().entrySet()) {
      if (!r.getValue().getError().isEmpty() && !errors.containsKey(r.getKey())) {
        errors.put(r.getKey(), r.getValue().getError());
        firstCause = firstCause == null ? new RecordedFailure(r.getValue().getError()) : firstCause;
      }
    }
    entry = entry.toBuilder().setJoin(je).build();
    put(at, entry);
    if (!errors.isEmpty()) {
      fail(entry.getId(), errors.toString());
      throw new BranchFailedException("join \"" + name + "\"", errors, firstCause);
    }
    if (wake != null) {
      throw suspend(wake);
    }
    complete(entry.getId());
    Map<String, T> out = new LinkedHashMap<>();
    for (Branch<T> b : branches) {
      out.put(b.name(), b.codec().decode(je.getBranchesMap().get(b.name()).getOutput().toByteArray()));
    }
    return out;
  }

  /**
   * Runs the branches in parallel; the first to finish (with a result or a failure) wins. The losers
   * are cancelled (their next operation unwinds, their threads are interrupted and awaited), and their
   * history is range-deleted in the same batch that records the winner. When every branch must wait,
   * the race suspends until the earliest wake-up among them.
   */
  public <T> T race(String name, List<Branch<T>> branches) {
    Located at = enter(name, HistoryEntry.KindCase.RACE);
    checkBranchNames(branches);
    HistoryEntry entry = at.entry().orElseGet(() -> create(at, HistoryEntry.newBuilder().setRace(RaceEntry.newBuilder()
        .addAllBranches(branches.stream().map(Branch::name).toList()))));
    RaceEntry re = entry.getRace();
    if (!re.getWinner().isEmpty()) {
      return raceResult(name, branches, re);
    }
    List<Outcome<T>> outcomes = runBranches(at, branches, true);
    Outcome<T> winner = null;
    Suspension.Wake wake = null;
    for (Outcome<T> o : outcomes) {
      if (o.kind == Outcome.Kind.VALUE || o.kind == Outcome.Kind.FAILED) {
        if (winner == null || o.finishedAt < winner.finishedAt) {
          winner = o;
        }
      } else if (o.kind == Outcome.Kind.SUSPENDED) {
        wake = wake == null ? o.wake : wake.merge(o.wake);
      }
    }
    if (winner == null) {
      checkCancelled();
      throw suspend(wake);
    }
    for (Branch<T> b : branches) {
      if (!b.name().equals(winner.branch.name())) {
        run.history().deleteSubtree(at.location().name(run.history().nameIndex(b.name())));
      }
    }
    BranchResult result = winner.kind == Outcome.Kind.VALUE
        ? BranchResult.newBuilder().setDone(true).setOutput(ByteString.copyFrom(winner.encoded)).build()
        : BranchResult.newBuilder().setError(describe(winner.error)).build();
    re = re.toBuilder().setWinner(winner.branch.name()).setResult(result).build();
    entry = entry.toBuilder().setRace(re).build();
    put(at, entry);
    if (winner.kind == Outcome.Kind.FAILED) {
      fail(entry.getId(), result.getError());
      throw new BranchFailedException("race \"" + name + "\"", Map.of(winner.branch.name(), result.getError()), winner.error);
    }
    complete(entry.getId());
    return winner.branch.codec().decode(winner.encoded);
  }

  private <T> T raceResult(String name, List<Branch<T>> branches, RaceEntry re) {
    if (!re.getResult().getError().isEmpty()) {
      throw new BranchFailedException("race \"" + name + "\"", Map.of(re.getWinner(), re.getResult().getError()),
          new RecordedFailure(re.getResult().getError()));
    }
    for (Branch<T> b : branches) {
      if (b.name().equals(re.getWinner())) {
        return b.codec().decode(re.getResult().getOutput().toByteArray());
      }
    }
    throw new HistoryDivergenceException(run.history().describe(scope) + name,
        "race recorded winner \"" + re.getWinner() + "\", which is not among the branches now");
  }

  private static <T> void checkBranchNames(List<Branch<T>> branches) {
    Set<String> seen = new HashSet<>();
    for (Branch<T> b : branches) {
      if (!seen.add(b.name())) {
        throw new IllegalArgumentException("duplicate branch name \"" + b.name() + "\"");
      }
    }
    if (branches.isEmpty()) {
      throw new IllegalArgumentException("join and race need at least one branch");
    }
  }

  /** How one branch ended. */
  private static final class Outcome<T> {
    enum Kind { VALUE, FAILED, SUSPENDED, CANCELLED }

    final Branch<T> branch;
    Kind kind;
    byte[] encoded;
    Throwable error;
    Suspension.Wake wake;
    long finishedAt;

    Outcome(Branch<T> branch) {
      this.branch = branch;
    }
  }

  private <T> List<Outcome<T>> runBranches(Located at, List<Branch<T>> branches, boolean race) {
    List<Outcome<T>> outcomes = new ArrayList<>();
    List<WorkflowContext> contexts = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    Object finished = new Object();
    long[] order = {0};
    boolean[] settled = {false};
    for (Branch<T> b : branches) {
      WorkflowContext ctx = new WorkflowContext(run, at.location().name(run.history().nameIndex(b.name())), this);
      Outcome<T> o = new Outcome<>(b);
      outcomes.add(o);
      contexts.add(ctx);
      threads.add(Thread.ofVirtual().name("workflow-branch-" + b.name()).unstarted(() -> {
        try {
          T value = b.body().run(ctx);
          ctx.checkSwallowedSuspension();
          o.encoded = b.codec().encode(value);
          o.kind = Outcome.Kind.VALUE;
        } catch (Suspension s) {
          o.kind = Outcome.Kind.SUSPENDED;
          o.wake = s.wake;
        } catch (Cancellation c) {
          o.kind = Outcome.Kind.CANCELLED;
        } catch (Throwable t) {
          if (ctx.suspended != null) {
            o.kind = Outcome.Kind.SUSPENDED;
            o.wake = ctx.suspended.wake;
          } else if (ctx.cancelledBranch() && run.fatal() == null) {
            o.kind = Outcome.Kind.CANCELLED;
          } else {
            o.kind = Outcome.Kind.FAILED;
            o.error = t;
          }
        }
        synchronized (finished) {
          o.finishedAt = ++order[0];
          if (race && !settled[0] && (o.kind == Outcome.Kind.VALUE || o.kind == Outcome.Kind.FAILED)) {
            // First to settle wins: the others stop at their next operation.
            settled[0] = true;
            for (int i = 0; i < contexts.size(); i++) {
              if (contexts.get(i) != ctx) {
                contexts.get(i).cancelled = true;
                threads.get(i).interrupt();
              }
            }
          }
        }
      }));
    }
    synchronized (finished) {
      threads.forEach(Thread::start);
    }
    boolean interrupted = false;
    for (Thread t : threads) {
      while (true) {
        try {
          t.join();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          contexts.forEach(c -> c.cancelled = true);
          threads.forEach(Thread::interrupt);
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    // Storage and divergence errors of any branch stop the whole run, whatever the branches returned.
    run.rethrowFatal();
    return outcomes;
  }

  // ------------------------------------------------------------------ receive

  /**
   * Takes up to {@code count} messages whose name is in {@code queueNames} (any name when empty) from the
   * actor's queue and records them in history, in ONE batch with the queue's removal of them: a crash
   * can neither lose nor duplicate a message. With no message available the run suspends (the runtime
   * runs it again when a matching message arrives); after {@code timeout} from the first visit it
   * returns an empty list ({@link Duration#ZERO}: wait without limit).
   */
  public List<Message> receive(String name, List<String> queueNames, int count, Duration timeout) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative");
    }
    Located at = enter(name, HistoryEntry.KindCase.MESSAGES);
    HistoryEntry entry = at.entry().orElseGet(() -> create(at, HistoryEntry.newBuilder().setMessages(MessagesEntry.newBuilder()
        .setDeadlineMs(timeout.isZero() ? 0 : now().plus(timeout).toEpochMilli())
        .addAllQueueNames(queueNames)
        .setCount(count))));
    MessagesEntry me = entry.getMessages();
    if (me.getDone()) {
      return me.getMessagesList().stream()
          .map(m -> new Message(m.getId(), m.getName(), m.getBody().toByteArray(), Instant.ofEpochMilli(m.getCreatedAtMs()), m.getAttempt(), null))
          .toList();
    }
    ActorQueue queue = run.queue();
    HistoryEntry pending = entry;
    EntryMetadata pendingMd = run.history().metadata(entry.getId()).orElseThrow();
    List<Message> got = queue.receiveInto(queueNames, count, (messages, queueChanges) -> {
      MessagesEntry.Builder done = pending.getMessages().toBuilder().setDone(true);
      for (Message m : messages) {
        done.addMessages(dev.actorkv.workflow.proto.ReceivedMessage.newBuilder()
            .setId(m.id()).setName(m.name()).setBody(ByteString.copyFrom(m.body()))
            .setCreatedAtMs(m.createdAt().toEpochMilli()).setAttempt(m.attempt()));
      }
      put(at, pending.toBuilder().setMessages(done).build());
      complete(pending.getId());
      try {
        // The queue's removal and the recorded messages: one atomic write.
        run.flush(queueChanges);
      } catch (RuntimeException e) {
        // Not written: the messages stay queued, so history must not claim them either.
        put(at, pending);
        run.history().putMetadata(pending.getId(), pendingMd);
        throw e;
      }
    });
    if (!got.isEmpty()) {
      return got;
    }
    checkCancelled();
    if (me.getDeadlineMs() != 0 && nowMillis() >= me.getDeadlineMs()) {
      put(at, entry.toBuilder().setMessages(me.toBuilder().setDone(true)).build());
      complete(entry.getId());
      return List.of();
    }
    throw suspend(new Suspension.Wake(me.getDeadlineMs() == 0 ? null : Instant.ofEpochMilli(me.getDeadlineMs()), true,
        Set.copyOf(queueNames)));
  }

  // ------------------------------------------------------------------ plumbing

  /** A located operation: where it is recorded and what is recorded there. */
  record Located(WorkflowLocation location, byte[] key, long nameIndex, int ordinal, Optional<HistoryEntry> entry) {}

  Located enter(String name, HistoryEntry.KindCase kind) {
    if (suspended != null) {
      throw suspended;
    }
    checkCancelled();
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("operation names must be non-empty");
    }
    if (!usedNames.add(name)) {
      throw new IllegalArgumentException("operation name \"" + name + "\" is used twice in scope " + run.history().describe(scope));
    }
    long index = run.history().nameIndex(name);
    WorkflowLocation loc = scope.name(index);
    int ordinal = nextOrdinal++;
    // Packed once here and reused by every write of this operation (a step writes its entry twice).
    if (scopeKeyPrefix == null) {
      scopeKeyPrefix = WorkflowKeys.historyPrefix(scope);
    }
    byte[] key = WorkflowKeys.historyChild(scopeKeyPrefix, index);
    if (recordedInScope < 0) {
      recordedInScope = run.history().scopeSize(scope);
    }
    // Nothing recorded in this scope before: no lookup can find anything (see recordedInScope).
    Optional<HistoryEntry> entry = recordedInScope == 0 ? Optional.empty() : run.history().entry(key);
    if (entry.isPresent()) {
      HistoryEntry e = entry.get();
      if (e.getKindCase() != kind) {
        throw run.diverged(new HistoryDivergenceException(run.history().describe(loc),
            "recorded a " + kindName(e.getKindCase()) + ", the workflow now issues a " + kindName(kind)));
      }
      if (e.getOrdinal() != ordinal) {
        throw run.diverged(new HistoryDivergenceException(run.history().describe(loc),
            kindName(kind) + " \"" + name + "\" was recorded as operation #" + e.getOrdinal() + " of its scope, now it is #" + ordinal));
      }
    } else if (recordedInScope + createdInScope > ordinal) {
      throw run.diverged(new HistoryDivergenceException(run.history().describe(loc),
          "history has a different operation recorded at position #" + ordinal + " of scope " + run.history().describe(scope)
              + ", the workflow now issues " + kindName(kind) + " \"" + name + "\""));
    }
    return new Located(loc, key, index, ordinal, entry);
  }

  /** Records {@code entry} at the operation's location (its key as packed by {@link #enter}). */
  private void put(Located at, HistoryEntry entry) {
    run.history().putEntry(at.location(), at.key(), entry);
  }

  /** Records a new entry at {@code at} (a fresh id, this operation's ordinal), without metadata yet. */
  private HistoryEntry record(Located at, HistoryEntry.Builder entry) {
    HistoryEntry e = entry.setId(run.history().newEntryId()).setOrdinal(at.ordinal()).build();
    put(at, e);
    createdInScope++;
    return e;
  }

  /** Records a new entry at {@code at}, pending. */
  HistoryEntry create(Located at, HistoryEntry.Builder entry) {
    HistoryEntry e = record(at, entry);
    run.history().putMetadata(e.getId(), EntryMetadata.newBuilder()
        .setStatus(EntryStatus.ENTRY_PENDING)
        .setCreatedAtMs(nowMillis())
        .build());
    return e;
  }

  void complete(String entryId) {
    EntryMetadata md = run.history().metadata(entryId).orElse(EntryMetadata.getDefaultInstance());
    run.history().putMetadata(entryId, md.toBuilder().setStatus(EntryStatus.ENTRY_COMPLETED).setCompletedAtMs(nowMillis()).build());
  }

  private void fail(String entryId, String error) {
    EntryMetadata md = run.history().metadata(entryId).orElse(EntryMetadata.getDefaultInstance());
    run.history().putMetadata(entryId, md.toBuilder().setStatus(EntryStatus.ENTRY_FAILED).setLastError(error)
        .setCompletedAtMs(nowMillis()).build());
  }

  Suspension suspend(Suspension.Wake wake) {
    suspended = new Suspension(wake);
    return suspended;
  }

  void checkCancelled() {
    if (cancelledBranch()) {
      throw new Cancellation("branch lost its race");
    }
    if (run.history().isCancelled()) {
      throw new Cancellation("workflow cancelled");
    }
  }

  /** Whether this context or an enclosing one lost a race. */
  boolean cancelledBranch() {
    for (WorkflowContext c = this; c != null; c = c.parent) {
      if (c.cancelled) {
        return true;
      }
    }
    return false;
  }

  /** After a body returned normally: a suspension it swallowed still suspends. */
  void checkSwallowedSuspension() {
    if (suspended != null) {
      throw suspended;
    }
  }

  /** A body threw: if it swallowed a suspension and threw something else instead, suspend anyway. */
  RuntimeException rethrowSuspension(Exception e) {
    if (suspended != null) {
      throw suspended;
    }
    return e instanceof RuntimeException re ? re : new WorkflowBodyException(e);
  }

  Suspension suspendedWith() {
    return suspended;
  }

  static String describe(Throwable t) {
    return t.getClass().getName() + ": " + t.getMessage();
  }

  static String kindName(HistoryEntry.KindCase kind) {
    return switch (kind) {
      case STEP -> "step";
      case SLEEP -> "sleep";
      case LOOP -> "loop";
      case MESSAGES -> "receive";
      case JOIN -> "join";
      case RACE -> "race";
      case KIND_NOT_SET -> "nothing";
    };
  }
}
