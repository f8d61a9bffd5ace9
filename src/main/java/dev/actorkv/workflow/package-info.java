/**
 * The workflow manager: a durable history store ({@link dev.actorkv.workflow.WorkflowHistory}) under the
 * actor's {@code [06][01]} namespace and a durable-execution runtime on top of it.
 *
 * <pre>{@code
 * Workflow<String, String> checkout = Workflow.of(String.class, String.class, (ctx, orderId) -> {
 *   Order order = ctx.step("load", Order.class, () -> orders.load(orderId));
 *   ctx.step("charge", RetryPolicy.DEFAULT.withAttemptTimeout(Duration.ofSeconds(10)),
 *       WorkflowCodecs.utf8(), () -> payments.charge(order));
 *   ctx.sleep("cool-off", Duration.ofHours(1));
 *   List<Message> replies = ctx.receive("confirm", List.of("confirmation"), 1, Duration.ofDays(1));
 *   return replies.isEmpty() ? "unconfirmed" : "confirmed";
 * });
 *
 * WorkflowEngine engine = WorkflowEngine.open(store.actor(id), WorkflowOptions.defaults(), queue);
 * switch (engine.run(checkout, orderId)) {
 *   case WorkflowOutcome.Completed<String> c -> ...;
 *   case WorkflowOutcome.Sleeping<String> s -> scheduleWakeUp(id, s.wakeAt());
 *   case WorkflowOutcome.WaitingForMessages<String> w -> wakeOnMessage(id, w.queueNames(), w.deadline());
 *   case WorkflowOutcome.Failed<String> f -> ...;
 *   case WorkflowOutcome.Cancelled<String> x -> ...;
 * }
 * }</pre>
 *
 * <p>Durability: every step attempt is written before its body runs, and every result before the next
 * body runs, so a body runs at most once per attempt recorded in its metadata. A run that must wait
 * returns at once; the embedding runtime calls {@code run} again at the wake-up time it was given (also
 * readable with {@link dev.actorkv.workflow.WorkflowEngine#status(dev.actorkv.store.ActorKeyspace)}), or
 * lets an {@link dev.actorkv.alarm.AlarmScheduler} do it: the wake-up is also the actor's durable alarm
 * {@link dev.actorkv.workflow.WorkflowAlarms#WAKE_ALARM}, written with the sleep, and
 * {@link dev.actorkv.workflow.WorkflowAlarms#handler} resumes the workflow when it is delivered:
 *
 * <pre>{@code
 * AlarmScheduler.start(store, WorkflowAlarms.handler(checkout, WorkflowOptions.defaults(), appAlarms),
 *     AlarmSchedulerOptions.defaults());
 * }</pre>
 */
package dev.actorkv.workflow;
