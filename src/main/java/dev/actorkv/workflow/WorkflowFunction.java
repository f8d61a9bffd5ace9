package dev.actorkv.workflow;

/**
 * The code of a workflow: a function of a context and its input. It must be deterministic apart from
 * what it does through the context (steps, sleeps, loops, receives, joins, races), because a resumed
 * workflow runs it again from the start and the context answers recorded operations from history.
 */
@FunctionalInterface
public interface WorkflowFunction<I, O> {
  O run(WorkflowContext ctx, I input) throws Exception;
}
