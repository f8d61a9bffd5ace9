package dev.actorkv.traces;

import dev.actorkv.ActorKvException;

/**
 * Records were refused because the write buffer holds its maximum (unwritten chunks pile up while
 * writes fail, or open spans exceed their maximum). Nothing of the refused call was buffered.
 */
public final class TraceBufferFullException extends ActorKvException {
  TraceBufferFullException(String message) {
    super(message);
  }
}
