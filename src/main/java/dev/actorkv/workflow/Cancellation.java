package dev.actorkv.workflow;

/** Unwinds a workflow (or a losing race branch) that was cancelled. An {@link Error}, like {@link Suspension}. */
final class Cancellation extends Error {
  Cancellation(String what) {
    super(what, null, false, false);
  }
}
