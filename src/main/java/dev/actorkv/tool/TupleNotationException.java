package dev.actorkv.tool;

import dev.actorkv.ActorKvException;

/**
 * JSON text is not a tuple in the notation of ACTOR_KV_STRUCTURE.md section 7. The message names the element
 * (by its path of indices, e.g. {@code element 2.0}) and what is wrong with it.
 */
public final class TupleNotationException extends ActorKvException {
  public TupleNotationException(String message) {
    super(message);
  }

  public TupleNotationException(String message, Throwable cause) {
    super(message, cause);
  }
}
