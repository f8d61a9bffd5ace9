package dev.actorkv.tuple;

import dev.actorkv.ActorKvException;

/**
 * Thrown when bytes are not a canonical packed tuple. Names the byte offset where decoding failed and
 * what was wrong there, so a caller can point at the bad byte of a key.
 */
public final class TupleFormatException extends ActorKvException {
  private final int offset;
  private final String problem;

  public TupleFormatException(int offset, String problem) {
    super("invalid tuple at offset " + offset + ": " + problem);
    this.offset = offset;
    this.problem = problem;
  }

  /** Offset in the input array at which the problem was found. */
  public int offset() {
    return offset;
  }

  /** The problem alone, without the offset. */
  public String problem() {
    return problem;
  }
}
