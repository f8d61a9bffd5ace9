package dev.actorkv.traces;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.UnsafeByteOperations;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a chunk value for {@link ActorTraces#read} without building a message per record. It checks the
 * whole value — every nested message down to each attribute value, every string's UTF-8, every check of
 * {@link ChunkCodec#decode} — and extracts what folding needs: each record's ids, time and kind, where its
 * body (the span of a state record, the update, the event) lies in the value, and a state's start and end
 * times. A read then parses only the spans it returns.
 *
 * <p>It handles the plain encoding: known fields only, each singular field at most once, at most one body,
 * no groups, lengths that fit an int. On anything else — another writer's legal but unusual encoding, or a
 * corrupt value — {@link #scan} returns null and the caller decodes the value with
 * {@link ChunkCodec#decode}, which gives the exact result or the exact error ({@link #of(TraceChunk)} then
 * turns the decoded chunk into the same form). So every value this accepts, the generated parser accepts
 * too, and the bodies parse to the messages it would have built.
 */
final class ChunkScanner {
  /** Nesting depth beyond which the scanner leaves the value to the generated parser (whose limit is 100). */
  private static final int MAX_DEPTH = 64;

  /** One record. Ids are big-endian; {@code [offset, offset + length)} of {@code value} is the body message. */
  record Scanned(long traceHi, long traceLo, long spanId, long time, SpanRecord.BodyCase kind, byte[] value,
      int offset, int length, int resourceIndex, int scopeIndex, long spanStart, long spanEnd) {

    boolean isState() {
      return kind == SpanRecord.BodyCase.START || kind == SpanRecord.BodyCase.SNAPSHOT
          || kind == SpanRecord.BodyCase.END;
    }
  }

  /** A chunk's dictionaries and records, in value order. */
  record Chunk(List<Resource> resources, List<InstrumentationScope> scopes, List<Scanned> records) {}

  /** The value is not in the plain encoding (or is invalid): decode it in full instead. */
  private static final class NotPlain extends Exception {
    NotPlain() {
      super(null, null, false, false);
    }
  }

  /**
   * Types of the fields below a record: the scalar wire forms, and the OTLP and traces messages with each
   * of their fields by number (null for a number the scanner does not know; the test compares this with
   * the generated descriptors). One enum, so that checking a field is a plain switch.
   */
  enum FieldType {
    VARINT, FIXED64, FIXED32, BYTES, STRING,
    SPAN, EVENT, LINK, STATUS, KEY_VALUE, ANY_VALUE, ARRAY_VALUE, KEY_VALUE_LIST, RESOURCE, SCOPE, SPAN_UPDATE,
    ENTITY_REF;

    boolean isMessage() {
      return ordinal() >= SPAN.ordinal();
    }

    /** The type of field {@code number} of this message type. */
    FieldType field(int number) {
      return switch (this) {
        case SPAN -> switch (number) {
          case 1, 2, 4 -> BYTES;
          case 3, 5 -> STRING;
          case 6, 10, 12, 14 -> VARINT;
          case 7, 8 -> FIXED64;
          case 9 -> KEY_VALUE;
          case 11 -> EVENT;
          case 13 -> LINK;
          case 15 -> STATUS;
          case 16 -> FIXED32;
          default -> null;
        };
        case EVENT -> switch (number) {
          case 1 -> FIXED64;
          case 2 -> STRING;
          case 3 -> KEY_VALUE;
          case 4 -> VARINT;
          default -> null;
        };
        case LINK -> switch (number) {
          case 1, 2 -> BYTES;
          case 3 -> STRING;
          case 4 -> KEY_VALUE;
          case 5 -> VARINT;
          case 6 -> FIXED32;
          default -> null;
        };
        case STATUS -> switch (number) {
          case 2 -> STRING;
          case 3 -> VARINT;
          default -> null;
        };
        case KEY_VALUE -> switch (number) {
          case 1 -> STRING;
          case 2 -> ANY_VALUE;
          default -> null;
        };
        case ANY_VALUE -> switch (number) {
          case 1 -> STRING;
          case 2, 3 -> VARINT;
          case 4 -> FIXED64;
          case 5 -> ARRAY_VALUE;
          case 6 -> KEY_VALUE_LIST;
          case 7 -> BYTES;
          default -> null;
        };
        case ARRAY_VALUE -> number == 1 ? ANY_VALUE : null;
        case KEY_VALUE_LIST -> number == 1 ? KEY_VALUE : null;
        case RESOURCE -> switch (number) {
          case 1 -> KEY_VALUE;
          case 2 -> VARINT;
          case 3 -> ENTITY_REF; // entity_refs
          default -> null;
        };
        case SCOPE -> switch (number) {
          case 1, 2 -> STRING;
          case 3 -> KEY_VALUE;
          case 4 -> VARINT;
          default -> null;
        };
        case SPAN_UPDATE -> switch (number) {
          case 1 -> KEY_VALUE;
          case 2 -> STATUS;
          case 3 -> STRING;
          case 4 -> LINK;
          default -> null;
        };
        // schema_url, type, then the repeated id_keys and description_keys (strings are never packed).
        case ENTITY_REF -> number >= 1 && number <= 4 ? STRING : null;
        case VARINT, FIXED64, FIXED32, BYTES, STRING -> throw new IllegalStateException(this + " has no fields");
      };
    }
  }

  // Wire types.
  private static final int WIRE_VARINT = 0;
  private static final int WIRE_FIXED64 = 1;
  private static final int LENGTH_DELIMITED = 2;
  private static final int WIRE_FIXED32 = 5;

  private final byte[] b;
  private int pos;
  // What the last state, span, update or event read found (one record at a time).
  private int bodyOffset;
  private int bodyLength;
  private int resourceIndex;
  private int scopeIndex;
  private long spanStart;
  private long spanEnd;
  private long eventTime;

  private ChunkScanner(byte[] value) {
    this.b = value;
  }

  /** The chunk of bucket {@code bucketStartSec} in {@code value}, or null when it must be decoded in full. */
  static Chunk scan(long bucketStartSec, byte[] value) {
    try {
      return new ChunkScanner(value).chunk(bucketStartSec);
    } catch (NotPlain e) {
      return null;
    }
  }

  /** {@code value} scanned when it is plain, else decoded strictly (throwing its exact error). */
  static Chunk read(long bucketStartSec, byte[] value) {
    Chunk c = scan(bucketStartSec, value);
    return c != null ? c : of(ChunkCodec.decode(bucketStartSec, value, false));
  }

  /** A chunk {@link ChunkCodec#decode} validated, in the scanner's form (bodies re-encoded: a lossless round trip). */
  static Chunk of(TraceChunk chunk) {
    List<Scanned> records = new ArrayList<>(chunk.getRecordsCount());
    for (SpanRecord r : chunk.getRecordsList()) {
      long hi = bigEndian(r.getTraceId(), 0);
      long lo = bigEndian(r.getTraceId(), 8);
      long sid = bigEndian(r.getSpanId(), 0);
      SpanState st = switch (r.getBodyCase()) {
        case START -> r.getStart();
        case SNAPSHOT -> r.getSnapshot();
        case END -> r.getEnd();
        default -> null;
      };
      byte[] body;
      if (st != null) {
        body = st.getSpan().toByteArray();
        records.add(new Scanned(hi, lo, sid, r.getTimeUnixNano(), r.getBodyCase(), body, 0, body.length,
            st.getResourceIndex(), st.getScopeIndex(), st.getSpan().getStartTimeUnixNano(),
            st.getSpan().getEndTimeUnixNano()));
      } else {
        body = r.getBodyCase() == SpanRecord.BodyCase.UPDATE ? r.getUpdate().toByteArray() : r.getEvent().toByteArray();
        records.add(new Scanned(hi, lo, sid, r.getTimeUnixNano(), r.getBodyCase(), body, 0, body.length, 0, 0, 0, 0));
      }
    }
    return new Chunk(chunk.getResourcesList(), chunk.getScopesList(), records);
  }

  private Chunk chunk(long bucket) throws NotPlain {
    int limit = b.length;
    boolean version = false;
    List<Resource> resources = new ArrayList<>(1);
    List<InstrumentationScope> scopes = new ArrayList<>(1);
    List<Scanned> records = new ArrayList<>();
    while (pos < limit) {
      int tag = tag(limit);
      switch (tag) {
        case TraceChunk.FORMAT_VERSION_FIELD_NUMBER << 3 | WIRE_VARINT -> {
          if (version || varint(limit) != ChunkCodec.FORMAT_VERSION) {
            throw new NotPlain();
          }
          version = true;
        }
        case TraceChunk.RESOURCES_FIELD_NUMBER << 3 | LENGTH_DELIMITED ->
            resources.add(dictionaryEntry(FieldType.RESOURCE, Resource.parser(), limit));
        case TraceChunk.SCOPES_FIELD_NUMBER << 3 | LENGTH_DELIMITED ->
            scopes.add(dictionaryEntry(FieldType.SCOPE, InstrumentationScope.parser(), limit));
        case TraceChunk.RECORDS_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> records.add(record(bucket, limit));
        default -> throw new NotPlain();
      }
    }
    if (!version || records.isEmpty()) {
      throw new NotPlain();
    }
    for (Scanned r : records) {
      if (r.isState() && (r.resourceIndex >= resources.size() || r.scopeIndex >= scopes.size())) {
        throw new NotPlain();
      }
    }
    return new Chunk(resources, scopes, records);
  }

  private <M> M dictionaryEntry(FieldType schema, Parser<M> parser, int outerLimit) throws NotPlain {
    int n = length(outerLimit);
    int start = pos;
    message(schema, start + n, 1);
    try {
      return parser.parseFrom(b, start, n);
    } catch (InvalidProtocolBufferException e) {
      throw new NotPlain();
    }
  }

  private Scanned record(long bucket, int outerLimit) throws NotPlain {
    int n = length(outerLimit);
    int limit = pos + n;
    long hi = 0;
    long lo = 0;
    long sid = 0;
    long time = 0;
    boolean traceSeen = false;
    boolean spanSeen = false;
    boolean timeSeen = false;
    SpanRecord.BodyCase kind = null;
    while (pos < limit) {
      int tag = tag(limit);
      switch (tag) {
        case SpanRecord.TRACE_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> {
          if (traceSeen || length(limit) != 16) {
            throw new NotPlain();
          }
          traceSeen = true;
          hi = bigEndian(b, pos);
          lo = bigEndian(b, pos + 8);
          pos += 16;
        }
        case SpanRecord.SPAN_ID_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> {
          if (spanSeen || length(limit) != 8) {
            throw new NotPlain();
          }
          spanSeen = true;
          sid = bigEndian(b, pos);
          pos += 8;
        }
        case SpanRecord.TIME_UNIX_NANO_FIELD_NUMBER << 3 | WIRE_FIXED64 -> {
          if (timeSeen) {
            throw new NotPlain();
          }
          timeSeen = true;
          time = fixed64(limit);
        }
        case SpanRecord.START_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> kind = body(kind, SpanRecord.BodyCase.START, limit);
        case SpanRecord.SNAPSHOT_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> kind = body(kind, SpanRecord.BodyCase.SNAPSHOT, limit);
        case SpanRecord.END_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> kind = body(kind, SpanRecord.BodyCase.END, limit);
        case SpanRecord.UPDATE_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> kind = body(kind, SpanRecord.BodyCase.UPDATE, limit);
        case SpanRecord.EVENT_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> kind = body(kind, SpanRecord.BodyCase.EVENT, limit);
        default -> throw new NotPlain();
      }
    }
    // ChunkCodec's checks; a value failing one is decoded in full for the exact error.
    if (kind == null || (hi == 0 && lo == 0) || sid == 0 || time < 0 || Buckets.of(time) != bucket) {
      throw new NotPlain();
    }
    boolean valid = switch (kind) {
      case START -> spanStart == time && spanEnd == 0;
      case SNAPSHOT -> spanEnd == 0;
      case END -> spanEnd == time && Long.compareUnsigned(spanEnd, spanStart) >= 0;
      case EVENT -> eventTime == time;
      case UPDATE, BODY_NOT_SET -> true; // an empty update was refused while reading it
    };
    if (!valid) {
      throw new NotPlain();
    }
    if (kind == SpanRecord.BodyCase.UPDATE || kind == SpanRecord.BodyCase.EVENT) {
      return new Scanned(hi, lo, sid, time, kind, b, bodyOffset, bodyLength, 0, 0, 0, 0);
    }
    return new Scanned(hi, lo, sid, time, kind, b, bodyOffset, bodyLength, resourceIndex, scopeIndex, spanStart, spanEnd);
  }

  /** Reads the record's body (its only one: a second, even of the same kind, is not plain). */
  private SpanRecord.BodyCase body(SpanRecord.BodyCase seen, SpanRecord.BodyCase kind, int outerLimit) throws NotPlain {
    if (seen != null) {
      throw new NotPlain();
    }
    int n = length(outerLimit);
    int limit = pos + n;
    switch (kind) {
      case START, SNAPSHOT, END -> state(limit);
      case UPDATE -> {
        bodyOffset = pos;
        bodyLength = n;
        update(limit);
      }
      case EVENT -> {
        bodyOffset = pos;
        bodyLength = n;
        event(limit);
      }
      case BODY_NOT_SET -> throw new NotPlain();
    }
    return kind;
  }

  private void state(int limit) throws NotPlain {
    boolean span = false;
    boolean resource = false;
    boolean scope = false;
    resourceIndex = 0;
    scopeIndex = 0;
    while (pos < limit) {
      int tag = tag(limit);
      switch (tag) {
        case SpanState.SPAN_FIELD_NUMBER << 3 | LENGTH_DELIMITED -> {
          if (span) {
            throw new NotPlain();
          }
          span = true;
          bodyLength = length(limit);
          bodyOffset = pos;
          span(pos + bodyLength);
        }
        case SpanState.RESOURCE_INDEX_FIELD_NUMBER << 3 | WIRE_VARINT -> {
          if (resource) {
            throw new NotPlain();
          }
          resource = true;
          resourceIndex = index(limit);
        }
        case SpanState.SCOPE_INDEX_FIELD_NUMBER << 3 | WIRE_VARINT -> {
          if (scope) {
            throw new NotPlain();
          }
          scope = true;
          scopeIndex = index(limit);
        }
        default -> throw new NotPlain();
      }
    }
    if (!span) {
      throw new NotPlain();
    }
  }

  /** The span of a state (depth 3): its ids must be absent (the record has them), its parent empty or 8 bytes. */
  private void span(int limit) throws NotPlain {
    boolean parent = false;
    boolean start = false;
    boolean end = false;
    spanStart = 0;
    spanEnd = 0;
    while (pos < limit) {
      int tag = tag(limit);
      int field = tag >>> 3;
      switch (field) {
        case Span.TRACE_ID_FIELD_NUMBER, Span.SPAN_ID_FIELD_NUMBER -> throw new NotPlain();
        case Span.PARENT_SPAN_ID_FIELD_NUMBER -> {
          wire(tag, LENGTH_DELIMITED);
          int n = length(limit);
          if (parent || (n != 0 && n != 8)) {
            throw new NotPlain();
          }
          parent = true;
          pos += n;
        }
        case Span.START_TIME_UNIX_NANO_FIELD_NUMBER -> {
          wire(tag, WIRE_FIXED64);
          if (start) {
            throw new NotPlain();
          }
          start = true;
          spanStart = fixed64(limit);
        }
        case Span.END_TIME_UNIX_NANO_FIELD_NUMBER -> {
          wire(tag, WIRE_FIXED64);
          if (end) {
            throw new NotPlain();
          }
          end = true;
          spanEnd = fixed64(limit);
        }
        default -> value(FieldType.SPAN.field(field), tag, limit, 3);
      }
    }
  }

  private void update(int limit) throws NotPlain {
    boolean changes = false;
    boolean name = false;
    while (pos < limit) {
      int tag = tag(limit);
      int field = tag >>> 3;
      if (field == dev.actorkv.traces.proto.SpanUpdate.NAME_FIELD_NUMBER) {
        wire(tag, LENGTH_DELIMITED);
        if (name) {
          throw new NotPlain();
        }
        name = true;
        int n = length(limit);
        utf8(n);
        changes |= n > 0;
      } else {
        // Attributes, links and a status (even an empty one) each make the update non-empty.
        value(FieldType.SPAN_UPDATE.field(field), tag, limit, 2);
        changes = true;
      }
    }
    if (!changes) {
      throw new NotPlain();
    }
  }

  private void event(int limit) throws NotPlain {
    boolean time = false;
    eventTime = 0;
    while (pos < limit) {
      int tag = tag(limit);
      int field = tag >>> 3;
      if (field == Span.Event.TIME_UNIX_NANO_FIELD_NUMBER) {
        wire(tag, WIRE_FIXED64);
        if (time) {
          throw new NotPlain();
        }
        time = true;
        eventTime = fixed64(limit);
      } else {
        value(FieldType.EVENT.field(field), tag, limit, 2);
      }
    }
  }

  /** Checks a whole message of {@code schema} at nesting {@code depth}, ending exactly at {@code limit}. */
  private void message(FieldType schema, int limit, int depth) throws NotPlain {
    if (depth > MAX_DEPTH) {
      throw new NotPlain();
    }
    while (pos < limit) {
      int tag = tag(limit);
      value(schema.field(tag >>> 3), tag, limit, depth);
    }
  }

  /** Checks one field's value of {@code type} (null: unknown field) inside a message at {@code depth}. */
  private void value(FieldType type, int tag, int limit, int depth) throws NotPlain {
    if (type == null) {
      throw new NotPlain();
    }
    switch (type) {
      case VARINT -> {
        wire(tag, WIRE_VARINT);
        varint(limit);
      }
      case FIXED64 -> {
        wire(tag, WIRE_FIXED64);
        skip(8, limit);
      }
      case FIXED32 -> {
        wire(tag, WIRE_FIXED32);
        skip(4, limit);
      }
      case BYTES -> {
        wire(tag, LENGTH_DELIMITED);
        int n = length(limit);
        pos += n;
      }
      case STRING -> {
        wire(tag, LENGTH_DELIMITED);
        utf8(length(limit));
      }
      default -> {
        wire(tag, LENGTH_DELIMITED);
        int n = length(limit);
        message(type, pos + n, depth + 1);
      }
    }
  }

  private static void wire(int tag, int wireType) throws NotPlain {
    if ((tag & 7) != wireType) {
      throw new NotPlain();
    }
  }

  /** A tag with a field number > 0 (the parser rejects 0). */
  private int tag(int limit) throws NotPlain {
    long t = varint(limit);
    if (t < 8 || t > Integer.MAX_VALUE) {
      throw new NotPlain();
    }
    return (int) t;
  }

  private long varint(int limit) throws NotPlain {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= limit) {
        throw new NotPlain();
      }
      byte x = b[pos++];
      result |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return result;
      }
    }
    throw new NotPlain();
  }

  /** A length prefix whose bytes lie within {@code limit}. */
  private int length(int limit) throws NotPlain {
    long n = varint(limit);
    if (n < 0 || n > limit - pos) {
      throw new NotPlain();
    }
    return (int) n;
  }

  private int index(int limit) throws NotPlain {
    long v = varint(limit);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new NotPlain();
    }
    return (int) v;
  }

  private long fixed64(int limit) throws NotPlain {
    if (limit - pos < 8) {
      throw new NotPlain();
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (b[pos + i] & 0xffL);
    }
    pos += 8;
    return v;
  }

  private void skip(int n, int limit) throws NotPlain {
    if (limit - pos < n) {
      throw new NotPlain();
    }
    pos += n;
  }

  /** The next {@code n} bytes (within bounds) must be UTF-8, as proto3 requires of strings. */
  private void utf8(int n) throws NotPlain {
    int end = pos + n;
    for (int i = pos; i < end; i++) {
      if (b[i] < 0) {
        // Not ASCII: the parser's own check decides.
        if (!UnsafeByteOperations.unsafeWrap(b, pos, n).isValidUtf8()) {
          throw new NotPlain();
        }
        break;
      }
    }
    pos = end;
  }

  private static long bigEndian(byte[] bytes, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (bytes[offset + i] & 0xffL);
    }
    return v;
  }

  private static long bigEndian(ByteString bytes, int offset) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (bytes.byteAt(offset + i) & 0xffL);
    }
    return v;
  }
}
