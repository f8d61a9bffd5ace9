package dev.actorkv.traces;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.TraceChunk;
import java.util.Arrays;

/**
 * Strict decoding of chunk values: every record must be well formed and belong to the chunk's bucket.
 * {@link ChunkScanner} (the read path) applies the same checks without building messages and falls back to
 * this decoder for anything else; a new check here must be added there too (ChunkScannerTest compares
 * the two on written and mutated chunks).
 */
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
    // The error text (with the record's index) is built only on error: per record it cost more than the checks.
    try {
      new SpanKey(r.getTraceId(), r.getSpanId());
    } catch (IllegalArgumentException e) {
      throw problem(index, e.getMessage());
    }
    long time = r.getTimeUnixNano();
    if (time < 0 || Buckets.of(time) != bucketStartSec) {
      throw problem(index, "time " + Long.toUnsignedString(time)
          + " is outside the chunk's bucket starting at " + bucketStartSec);
    }
    switch (r.getBodyCase()) {
      case START -> {
        SpanState s = validateState(chunk, r.getStart(), index);
        if (s.getSpan().getStartTimeUnixNano() != time) {
          throw problem(index, "start record time differs from the span's start time");
        }
        if (s.getSpan().getEndTimeUnixNano() != 0) {
          throw problem(index, "start record has an end time");
        }
      }
      case SNAPSHOT -> {
        SpanState s = validateState(chunk, r.getSnapshot(), index);
        if (s.getSpan().getEndTimeUnixNano() != 0) {
          throw problem(index, "snapshot of an ended span");
        }
      }
      case END -> {
        SpanState s = validateState(chunk, r.getEnd(), index);
        long end = s.getSpan().getEndTimeUnixNano();
        if (end != time) {
          throw problem(index, "end record time differs from the span's end time");
        }
        if (Long.compareUnsigned(end, s.getSpan().getStartTimeUnixNano()) < 0) {
          throw problem(index, "span ends before it starts");
        }
      }
      case UPDATE -> {
        var u = r.getUpdate();
        if (u.getAttributesCount() == 0 && !u.hasStatus() && u.getName().isEmpty() && u.getLinksCount() == 0) {
          throw problem(index, "empty update");
        }
      }
      case EVENT -> {
        if (r.getEvent().getTimeUnixNano() != time) {
          throw problem(index, "event record time differs from the event's time");
        }
      }
      case BODY_NOT_SET -> throw problem(index, "record has no body");
    }
  }

  private static SpanState validateState(TraceChunk chunk, SpanState s, int index) {
    if (!s.hasSpan()) {
      throw problem(index, "span state without a span");
    }
    if (!s.getSpan().getTraceId().isEmpty() || !s.getSpan().getSpanId().isEmpty()) {
      throw problem(index, "span state repeats the record's ids");
    }
    ByteString parent = s.getSpan().getParentSpanId();
    if (!parent.isEmpty() && parent.size() != 8) {
      throw problem(index, "parent span id must be empty or 8 bytes, got " + parent.size());
    }
    // uint32 indices: one of 2^31 or more reads as a negative int.
    if (Integer.compareUnsigned(s.getResourceIndex(), chunk.getResourcesCount()) >= 0) {
      throw problem(index, "resource index " + Integer.toUnsignedString(s.getResourceIndex()) + " out of range");
    }
    if (Integer.compareUnsigned(s.getScopeIndex(), chunk.getScopesCount()) >= 0) {
      throw problem(index, "scope index " + Integer.toUnsignedString(s.getScopeIndex()) + " out of range");
    }
    return s;
  }

  private static TraceFormatException problem(int index, String what) {
    return new TraceFormatException("record " + index + ": " + what);
  }
}
