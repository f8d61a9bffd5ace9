package dev.actorkv.traces;

import dev.actorkv.keyspace.KeyDescription;

/**
 * Trace chunk values for tests outside this package (the reliability fuzz targets): the codec itself is
 * package-private, reached by the tool only through {@link TracesNamespaceAudit}.
 */
public final class TraceChunkValues {
  private TraceChunkValues() {}

  /** Decodes a chunk value strictly against its key and encodes it again. */
  public static byte[] decodeAndEncode(KeyDescription.TracesChunk key, byte[] value) {
    return TraceChunks.decode(key, value).toByteArray();
  }
}
