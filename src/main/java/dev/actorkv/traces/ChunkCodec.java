package dev.actorkv.traces;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.TraceChunk;
import java.util.Arrays;

/** Strict decoding of chunk values: every record must be well formed and belong to the chunk's bucket. */
final class ChunkCodec {
  static final int FORMAT_VERSION = 1;

  private ChunkCodec() {}

  /**
   * Decodes and validates the value of a chunk of bucket {@code bucketStartSec}. With {@code canonical},
   * also requires the bytes to be exactly what this library writes for the decoded chunk.
   */
  static TraceChunk decode(long bucketStartSec, byte[] value, boolean canonical) {
    TraceChunk chunk;
    try {
      chunk = TraceChunk.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new TraceFormatException("traces chunk value is not a TraceChunk: " + e.getMessage(), e);
    }
    if (chunk.getFormatVersion() != FORMAT_VERSION) {
      throw new TraceFormatException("traces chunk has format version " + chunk.getFormatVersion()
          + ", this library reads " + FORMAT_VERSION);
    }
    if (!chunk.getUnknownFields().asMap().isEmpty()) {
      throw new TraceFormatException("traces chunk has unknown fields " + chunk.getUnknownFields().asMap().keySet());
    }
    if (chunk.getRecordsCount() == 0) {
      throw new TraceFormatException("traces chunk has no records");
    }
    for (int i = 0; i < chunk.getRecordsCount(); i++) {
      validate(bucketStartSec, chunk, chunk.getRecords(i), i);
    }
    if (canonical && !Arrays.equals(chunk.toByteArray(), value)) {
      throw new TraceFormatException("traces chunk is not in canonical encoding");
    }
    return chunk;
  }

  private static void validate(long bucketStartSec, TraceChunk chunk, SpanRecord r, int index) {
    String where = "record " + index + ": ";
    try {
      new SpanKey(r.getTraceId(), r.getSpanId());
    } catch (IllegalArgumentException e) {
      throw new TraceFormatException(where + e.getMessage());
    }
    long time = r.getTimeUnixNano();
    if (time < 0 || Buckets.of(time) != bucketStartSec) {
      throw new TraceFormatException(where + "time " + Long.toUnsignedString(time)
          + " is outside the chunk's bucket starting at " + bucketStartSec);
    }
    switch (r.getBodyCase()) {
      case START -> {
        SpanState s = validateState(chunk, r.getStart(), where);
        if (s.getSpan().getStartTimeUnixNano() != time) {
          throw new TraceFormatException(where + "start record time differs from the span's start time");
        }
        if (s.getSpan().getEndTimeUnixNano() != 0) {
          throw new TraceFormatException(where + "start record has an end time");
        }
      }
      case SNAPSHOT -> {
        SpanState s = validateState(chunk, r.getSnapshot(), where);
        if (s.getSpan().getEndTimeUnixNano() != 0) {
          throw new TraceFormatException(where + "snapshot of an ended span");
        }
      }
      case END -> {
        SpanState s = validateState(chunk, r.getEnd(), where);
        long end = s.getSpan().getEndTimeUnixNano();
        if (end != time) {
          throw new TraceFormatException(where + "end record time differs from the span's end time");
        }
        if (Long.compareUnsigned(end, s.getSpan().getStartTimeUnixNano()) < 0) {
          throw new TraceFormatException(where + "span ends before it starts");
        }
      }
      case UPDATE -> {
        var u = r.getUpdate();
        if (u.getAttributesCount() == 0 && !u.hasStatus() && u.getName().isEmpty() && u.getLinksCount() == 0) {
          throw new TraceFormatException(where + "empty update");
        }
      }
      case EVENT -> {
        if (r.getEvent().getTimeUnixNano() != time) {
          throw new TraceFormatException(where + "event record time differs from the event's time");
        }
      }
      case BODY_NOT_SET -> throw new TraceFormatException(where + "record has no body");
    }
  }

  private static SpanState validateState(TraceChunk chunk, SpanState s, String where) {
    if (!s.hasSpan()) {
      throw new TraceFormatException(where + "span state without a span");
    }
    if (!s.getSpan().getTraceId().isEmpty() || !s.getSpan().getSpanId().isEmpty()) {
      throw new TraceFormatException(where + "span state repeats the record's ids");
    }
    ByteString parent = s.getSpan().getParentSpanId();
    if (!parent.isEmpty() && parent.size() != 8) {
      throw new TraceFormatException(where + "parent span id must be empty or 8 bytes, got " + parent.size());
    }
    if (s.getResourceIndex() >= chunk.getResourcesCount()) {
      throw new TraceFormatException(where + "resource index " + s.getResourceIndex() + " out of range");
    }
    if (s.getScopeIndex() >= chunk.getScopesCount()) {
      throw new TraceFormatException(where + "scope index " + s.getScopeIndex() + " out of range");
    }
    return s;
  }
}
