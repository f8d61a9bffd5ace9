package dev.actorkv.workflow;

/**
 * One iteration of a loop: given the state after the previous iteration, returns
 * {@link LoopResult#next(Object)} to go on or {@link LoopResult#done(Object)} to end the loop. The
 * context is scoped to the iteration, so step names repeat freely across iterations.
 */
@FunctionalInterface
public interface LoopBody<S, R> {
  LoopResult<S, R> iterate(WorkflowContext ctx, S state) throws Exception;
}
