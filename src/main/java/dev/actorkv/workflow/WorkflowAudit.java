package dev.actorkv.workflow;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.workflow.proto.LoopEntry;
import dev.actorkv.workflow.proto.WorkflowError;
import dev.actorkv.workflow.proto.WorkflowStateCode;
import dev.actorkv.workflow.proto.WorkflowStateValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The workflow's invariants of one actor, read without writing: what {@link WorkflowHistory#load} would
 * repair, the state's required fields, unique ordinals per scope, and each loop's kept history. The
 * workflow keeps them beside its code, as the queue and SQLite do; tools reach them through
 * {@link WorkflowNamespaceAudit}.
 */
final class WorkflowAudit {
  private WorkflowAudit() {}

  /** One line per violated invariant of {@code actor}'s workflow, each starting "workflow: "; empty when it holds. */
  public static List<String> problems(ActorKeyspace actor) {
    List<String> problems = new ArrayList<>();
    WorkflowHistory h;
    try {
      // The load validates names, entries, ids and locations; what it would repair is a problem here.
      h = WorkflowHistory.load(actor);
    } catch (WorkflowException | KeyFormatException e) {
      problems.add("workflow: " + e.getMessage());
      return problems;
    }
    for (String r : h.repairs()) {
      problems.add("workflow: " + r.replaceFirst("^(rebuilt|deleted) ", "needs repair: "));
    }
    checkFields(h, problems);
    Map<WorkflowLocation, Set<Integer>> ordinals = new HashMap<>();
    for (WorkflowHistory.Entry e : h.entriesUnder(WorkflowLocation.root())) {
      if (!ordinals.computeIfAbsent(e.location().parent(), k -> new HashSet<>()).add(e.value().getOrdinal())) {
        problems.add("workflow: two entries of scope " + h.describe(e.location().parent()) + " have ordinal "
            + e.value().getOrdinal());
      }
      if (e.value().hasLoop()) {
        checkLoop(h, e, problems);
      }
    }
    return problems;
  }

  private static void checkFields(WorkflowHistory h, List<String> problems) {
    WorkflowStateCode state = h.state().getState();
    switch (state) {
      case WORKFLOW_COMPLETED -> {
        if (h.field(WorkflowField.OUTPUT).isEmpty()) {
          problems.add("workflow: state is completed but there is no output field");
        }
      }
      case WORKFLOW_FAILED -> {
        var err = h.field(WorkflowField.ERROR);
        if (err.isEmpty()) {
          problems.add("workflow: state is failed but there is no error field");
        } else {
          try {
            WorkflowError.parseFrom(err.get());
          } catch (InvalidProtocolBufferException e) {
            problems.add("workflow: error field does not decode: " + e.getMessage());
          }
        }
      }
      case WORKFLOW_SLEEPING -> {
        WorkflowStateValue v = h.state();
        if (v.getWakeAtMs() == 0 && !v.getWaitingForMessages()) {
          problems.add("workflow: state is sleeping with neither a wake-up time nor a receive");
        }
      }
      case UNRECOGNIZED -> problems.add("workflow: unknown state code " + h.state().getStateValue());
      default -> {}
    }
    if (state != WorkflowStateCode.WORKFLOW_STATE_UNSPECIFIED && h.field(WorkflowField.INPUT).isEmpty()) {
      problems.add("workflow: state is recorded but the input field is missing");
    }
  }

  /** A loop keeps history for at most history_to_keep + commit_interval iterations, none below trimmed_below. */
  private static void checkLoop(WorkflowHistory h, WorkflowHistory.Entry loop, List<String> problems) {
    LoopEntry le = loop.value().getLoop();
    WorkflowLocation.Name name = (WorkflowLocation.Name) loop.location().last();
    WorkflowLocation parent = loop.location().parent();
    Set<Long> iterations = new HashSet<>();
    // Iterations of this loop are siblings of its entry: (..., (loop_name_index, i), ...).
    for (WorkflowHistory.Entry e : h.entriesUnder(parent)) {
      if (e.location().depth() > parent.depth()
          && e.location().segments().get(parent.depth()) instanceof WorkflowLocation.Loop l
          && l.loopNameIndex() == name.index()) {
        iterations.add(l.iteration());
        if (l.iteration() < le.getTrimmedBelow()) {
          problems.add("workflow: loop " + h.describe(loop.location()) + " keeps history of iteration " + l.iteration()
              + ", below its trimmed mark " + le.getTrimmedBelow());
        }
      }
    }
    long bound = (long) le.getHistoryToKeep() + Math.max(1, le.getCommitInterval());
    if (iterations.size() > bound) {
      problems.add("workflow: loop " + h.describe(loop.location()) + " has history for " + iterations.size()
          + " iterations, more than history_to_keep + commit_interval = " + bound);
    }
  }
}
