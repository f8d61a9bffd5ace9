package dev.actorkv.traces;

import dev.actorkv.ActorKvException;

/**
 * One record (with the resource and scope it names) does not fit in a chunk of the configured maximum
 * size, so it can never be stored. Nothing was buffered or written.
 */
public final class RecordTooLargeException extends ActorKvException {
  private final long recordBytes;
  private final long maxChunkBytes;

  RecordTooLargeException(String what, long recordBytes, long maxChunkBytes) {
    super(what + " needs a chunk of " + recordBytes + " bytes, more than the maximum chunk size of "
        + maxChunkBytes + " bytes");
    this.recordBytes = recordBytes;
    this.maxChunkBytes = maxChunkBytes;
  }

  /** Encoded size of the smallest chunk that would hold the record alone. */
  public long recordBytes() {
    return recordBytes;
  }

  public long maxChunkBytes() {
    return maxChunkBytes;
  }
}
