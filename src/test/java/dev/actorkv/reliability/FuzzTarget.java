package dev.actorkv.reliability;

import java.util.List;
import java.util.Set;

/**
 * A decoder under fuzzing: its valid samples (mutation starting points), the exception types it may
 * throw for bad input, and a check run on every input. The check decodes the input and, when the
 * decoder accepts it, verifies what acceptance promises (for canonical formats, that decode-then-encode
 * gives the input back), throwing {@link AssertionError} when it does not.
 */
record FuzzTarget(String name, List<byte[]> samples, Set<Class<? extends Throwable>> typedErrors, Check check) {
  /** Decodes {@code input}; returns normally when accepted, throws a typed error when rejected. */
  @FunctionalInterface
  interface Check {
    void run(byte[] input) throws Exception;
  }

  FuzzTarget {
    samples = List.copyOf(samples);
    typedErrors = Set.copyOf(typedErrors);
  }

  boolean isTyped(Throwable t) {
    for (Class<? extends Throwable> c : typedErrors) {
      if (c.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
