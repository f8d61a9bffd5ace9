package dev.actorkv.traces;

/**
 * Records were refused because the write buffer holds its maximum (unwritten chunks pile up while
 * writes fail, or open spans exceed their maximum). Nothing of the refused call was buffered.
 */
public final class TraceBufferFullException extends IllegalStateException {
  TraceBufferFullException(String message) {
    super(message);
  }
}
