package dev.actorkv.workflow;

/** What a loop iteration decided. */
public sealed interface LoopResult<S, R> {
  record Next<S, R>(S state) implements LoopResult<S, R> {}

  record Done<S, R>(R result) implements LoopResult<S, R> {}

  static <S, R> LoopResult<S, R> next(S state) {
    return new Next<>(state);
  }

  static <S, R> LoopResult<S, R> done(R result) {
    return new Done<>(result);
  }
}
