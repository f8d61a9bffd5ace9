package dev.actorkv.workflow;

import java.util.Objects;

/** A workflow function with the codecs of its input and output. */
public record Workflow<I, O>(WorkflowFunction<I, O> function, WorkflowCodec<I> inputCodec, WorkflowCodec<O> outputCodec) {
  public Workflow {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(inputCodec, "inputCodec");
    Objects.requireNonNull(outputCodec, "outputCodec");
  }

  /** With the default codecs of the two types ({@link WorkflowCodecs#of}). */
  public static <I, O> Workflow<I, O> of(Class<I> input, Class<O> output, WorkflowFunction<I, O> function) {
    return new Workflow<>(function, WorkflowCodecs.of(input), WorkflowCodecs.of(output));
  }
}
