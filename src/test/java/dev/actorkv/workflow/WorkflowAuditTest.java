package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The workflow's own audit: a workflow run to completion holds its invariants; removing its output breaks one. */
class WorkflowAuditTest {
  @Test
  void aCompletedWorkflowHasNoProblemsAndOneWithoutItsOutputHasOne() throws Exception {
    try (StoreFixture fixture = StoreFixture.rocksDb(); ActorStore store = fixture.open()) {
      ActorKeyspace actor = store.actor("w");
      Workflow<String, String> wf = Workflow.of(String.class, String.class,
          (ctx, in) -> ctx.step("upper", String.class, in::toUpperCase));
      WorkflowEngine.open(actor).run(wf, "in");
      assertEquals(List.of(), WorkflowAudit.problems(actor));
      actor.delete(WorkflowKeys.field(WorkflowField.OUTPUT));
      assertEquals(List.of("workflow: state is completed but there is no output field"), WorkflowAudit.problems(actor));
    }
  }
}
