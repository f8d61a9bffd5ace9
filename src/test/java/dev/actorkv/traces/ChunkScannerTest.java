package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.SpanState;
import dev.actorkv.traces.proto.SpanUpdate;
import dev.actorkv.traces.proto.TraceChunk;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.EntityRef;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The chunk scanner (the read path's fast decoder) against the full decoder it stands in for: it handles
 * every chunk this library writes, and on any other value it either yields exactly what the full decoder
 * yields or steps aside so that the full decoder's result or error is what a read sees.
 */
class ChunkScannerTest {
  private static final long BUCKET = Buckets.of(T0);

  private static final Map<ChunkScanner.FieldType, Descriptor> MESSAGES = Map.ofEntries(
      Map.entry(ChunkScanner.FieldType.SPAN, Span.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.EVENT, Span.Event.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.LINK, Span.Link.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.STATUS, Status.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.KEY_VALUE, KeyValue.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.ANY_VALUE, AnyValue.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.ARRAY_VALUE, ArrayValue.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.KEY_VALUE_LIST, KeyValueList.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.RESOURCE, Resource.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.SCOPE, InstrumentationScope.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.SPAN_UPDATE, SpanUpdate.getDescriptor()),
      Map.entry(ChunkScanner.FieldType.ENTITY_REF, EntityRef.getDescriptor()));

  @Test
  void schemaIsTheGeneratedDescriptors() {
    for (ChunkScanner.FieldType t : ChunkScanner.FieldType.values()) {
      assertEquals(MESSAGES.containsKey(t), t.isMessage(), t.name());
    }
    MESSAGES.forEach((type, descriptor) -> {
      assertEquals("proto3", descriptor.getFile().toProto().getSyntax(), "strings are UTF-8 checked");
      for (int n = 1; n <= 64; n++) {
        FieldDescriptor fd = descriptor.findFieldByNumber(n);
        ChunkScanner.FieldType expected = fd == null ? null : switch (fd.getType()) {
          case MESSAGE -> MESSAGES.entrySet().stream().filter(e -> e.getValue().equals(fd.getMessageType()))
              .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no type for " + fd));
          case STRING -> ChunkScanner.FieldType.STRING;
          case BYTES -> ChunkScanner.FieldType.BYTES;
          case FIXED64, SFIXED64, DOUBLE -> ChunkScanner.FieldType.FIXED64;
          case FIXED32, SFIXED32, FLOAT -> ChunkScanner.FieldType.FIXED32;
          case INT32, INT64, UINT32, UINT64, SINT32, SINT64, BOOL, ENUM -> ChunkScanner.FieldType.VARINT;
          case GROUP -> throw new AssertionError("group " + fd);
        };
        if (fd != null && fd.isRepeated() && fd.isPackable()) {
          fail("repeated scalar " + fd + " (packed form) is not handled");
        }
        assertEquals(expected, type.field(n), descriptor.getFullName() + " field " + n);
      }
    });
  }

  /** Every chunk the builder writes is plain: the fast path is the path. */
  @Property(tries = 150)
  void scansEveryChunkTheBuilderWritesAsTheDecoderDoes(@ForAll("entries") List<Entry> entries) {
    byte[] value = encode(entries);
    ChunkScanner.Chunk fast = ChunkScanner.scan(BUCKET, value);
    assertNotNull(fast, "a chunk this library writes is scanned");
    assertSame(ChunkScanner.of(ChunkCodec.decode(BUCKET, value, false)), fast);
  }

  /** Any value: the scanner agrees with the full decoder or steps aside; read gives the decoder's answer. */
  @Property(tries = 400)
  void changedValuesReadAsTheDecoderReadsThem(@ForAll("entries") List<Entry> entries,
      @ForAll @IntRange(min = 0, max = 5) int mutation, @ForAll @IntRange(min = 0, max = 1 << 20) int where,
      @ForAll byte what) {
    byte[] value = mutate(encode(entries), mutation, where, what);
    ChunkScanner.Chunk slow;
    try {
      slow = ChunkScanner.of(ChunkCodec.decode(BUCKET, value, false));
    } catch (TraceFormatException e) {
      assertNull(ChunkScanner.scan(BUCKET, value), "the scanner accepted a value the decoder refuses: " + e.getMessage());
      TraceFormatException again = assertThrows(TraceFormatException.class, () -> ChunkScanner.read(BUCKET, value));
      assertEquals(e.getMessage(), again.getMessage());
      return;
    }
    ChunkScanner.Chunk fast = ChunkScanner.scan(BUCKET, value);
    if (fast != null) {
      assertSame(slow, fast);
    }
    assertSame(slow, ChunkScanner.read(BUCKET, value));
  }

  /** Legal encodings other writers may produce: not what this library writes, each read as the decoder reads it. */
  @Test
  void unusualButLegalEncodingsReadAsTheDecoderReadsThem() throws Exception {
    Entry end = ChunkBuilderTest.entry(new ChunkBuilderTest.Spec(1, 1, 10, 0));
    byte[] plain = encode(List.of(end));
    TraceChunk chunk = TraceChunk.parseFrom(plain);
    SpanRecord r = chunk.getRecords(0);
    List<byte[]> values = new ArrayList<>();
    // Records before the dictionaries.
    values.add(concat(field(4, r.toByteArray()), field(2, chunk.getResources(0).toByteArray()),
        field(3, chunk.getScopes(0).toByteArray()), varintField(1, 1)));
    // An unknown field in a record (kept and ignored by the decoder).
    values.add(TraceChunk.newBuilder(chunk).setRecords(0, r.toBuilder().setUnknownFields(
        UnknownFieldSet.newBuilder().addField(99, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build())).build()
        .toByteArray());
    // The span's status twice: the parser merges the two.
    Span span = r.getEnd().getSpan();
    byte[] twoStatuses = concat(span.toByteArray(), field(15, Status.newBuilder().setMessage("second").build().toByteArray()));
    values.add(withSpanBytes(chunk, r, twoStatuses));
    // The span's end time written twice (the last one counts).
    values.add(withSpanBytes(chunk, r, concat(span.toBuilder().setEndTimeUnixNano(1).build().toByteArray(),
        fixed64Field(8, span.getEndTimeUnixNano()))));
    // A resource index as a 10-byte varint (the parser keeps the low 32 bits).
    values.add(withStateBytes(chunk, r, concat(field(1, span.toByteArray()),
        new byte[] {0x10, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
            (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00})));
    for (byte[] v : values) {
      ChunkScanner.Chunk slow = ChunkScanner.of(ChunkCodec.decode(BUCKET, v, false));
      assertSame(slow, ChunkScanner.read(BUCKET, v));
    }
    // The parser merges the two statuses: the second's message over the first's code.
    Status merged = ((Span) body(ChunkScanner.read(BUCKET, values.get(2)).records().getFirst())).getStatus();
    assertEquals(Status.newBuilder(span.getStatus()).setMessage("second").build(), merged);
  }

  /** A resource index of 2^31 or more is out of range (it was compared as a negative int and passed). */
  @Test
  void hugeDictionaryIndexIsAFormatError() throws Exception {
    Entry end = ChunkBuilderTest.entry(new ChunkBuilderTest.Spec(1, 1, 10, 0));
    TraceChunk chunk = TraceChunk.parseFrom(encode(List.of(end)));
    SpanRecord r = chunk.getRecords(0);
    byte[] value = TraceChunk.newBuilder(chunk).setRecords(0,
        r.toBuilder().setEnd(r.getEnd().toBuilder().setResourceIndex(Integer.MIN_VALUE))).build().toByteArray();
    TraceFormatException e = assertThrows(TraceFormatException.class, () -> ChunkScanner.read(BUCKET, value));
    assertTrue(e.getMessage().contains("resource index"), e.getMessage());
  }

  // ------------------------------------------------------------------ helpers

  static byte[] encode(List<Entry> entries) {
    ChunkBuilder b = new ChunkBuilder(BUCKET, Integer.MAX_VALUE);
    for (Entry e : entries) {
      assertTrue(b.add(e));
    }
    return b.encode();
  }

  /** Same dictionaries, and records equal field by field with bodies that parse to equal messages. */
  static void assertSame(ChunkScanner.Chunk expected, ChunkScanner.Chunk actual) {
    assertEquals(expected.resources(), actual.resources());
    assertEquals(expected.scopes(), actual.scopes());
    assertEquals(expected.records().size(), actual.records().size());
    for (int i = 0; i < expected.records().size(); i++) {
      ChunkScanner.Scanned x = expected.records().get(i);
      ChunkScanner.Scanned y = actual.records().get(i);
      assertEquals(List.of(x.traceHi(), x.traceLo(), x.spanId(), x.time(), x.kind(), x.resourceIndex(), x.scopeIndex(),
              x.spanStart(), x.spanEnd()),
          List.of(y.traceHi(), y.traceLo(), y.spanId(), y.time(), y.kind(), y.resourceIndex(), y.scopeIndex(),
              y.spanStart(), y.spanEnd()), "record " + i);
      assertEquals(body(x), body(y), "body of record " + i);
    }
  }

  private static Message body(ChunkScanner.Scanned s) {
    try {
      return switch (s.kind()) {
        case START, SNAPSHOT, END -> Span.parser().parseFrom(s.value(), s.offset(), s.length());
        case UPDATE -> SpanUpdate.parser().parseFrom(s.value(), s.offset(), s.length());
        case EVENT -> Span.Event.parser().parseFrom(s.value(), s.offset(), s.length());
        case BODY_NOT_SET -> throw new AssertionError("no body");
      };
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] mutate(byte[] v, int mutation, int where, byte what) {
    int at = where % v.length;
    return switch (mutation) {
      case 0 -> v;
      case 1 -> { // one byte changed
        byte[] c = v.clone();
        c[at] = what == c[at] ? (byte) ~what : what;
        yield c;
      }
      case 2 -> Arrays.copyOf(v, at); // truncated
      case 3 -> { // one byte inserted
        byte[] c = new byte[v.length + 1];
        System.arraycopy(v, 0, c, 0, at);
        c[at] = what;
        System.arraycopy(v, at, c, at + 1, v.length - at);
        yield c;
      }
      case 4 -> { // one bit flipped
        byte[] c = v.clone();
        c[at] ^= (byte) (1 << (where & 7));
        yield c;
      }
      default -> { // one byte removed
        byte[] c = new byte[v.length - 1];
        System.arraycopy(v, 0, c, 0, at);
        System.arraycopy(v, at + 1, c, at, v.length - at - 1);
        yield c;
      }
    };
  }

  private static byte[] withSpanBytes(TraceChunk chunk, SpanRecord r, byte[] span) {
    return withStateBytes(chunk, r, concat(field(1, span), varintField(2, 0)));
  }

  private static byte[] withStateBytes(TraceChunk chunk, SpanRecord r, byte[] state) {
    byte[] record = concat(field(1, r.getTraceId().toByteArray()), field(2, r.getSpanId().toByteArray()),
        fixed64Field(3, r.getTimeUnixNano()), field(6, state));
    return concat(varintField(1, 1), field(2, chunk.getResources(0).toByteArray()),
        field(3, chunk.getScopes(0).toByteArray()), field(4, record));
  }

  private static byte[] field(int number, byte[] body) {
    return write(o -> o.writeByteArray(number, body));
  }

  private static byte[] varintField(int number, long v) {
    return write(o -> o.writeUInt64(number, v));
  }

  private static byte[] fixed64Field(int number, long v) {
    return write(o -> o.writeFixed64(number, v));
  }

  private interface Writes {
    void to(CodedOutputStream o) throws java.io.IOException;
  }

  private static byte[] write(Writes w) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      w.to(o);
      o.flush();
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Provide
  Arbitrary<List<Entry>> entries() {
    Arbitrary<Entry> specEntry = Combinators.combine(Arbitraries.integers().between(0, 20),
            Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 60), Arbitraries.integers().between(0, 4))
        .as(ChunkBuilderTest.Spec::new).map(ChunkBuilderTest::entry);
    Arbitrary<Entry> snapshot = Arbitraries.integers().between(0, 20).map(n -> new Entry(TestSpans.key(n), T0 + 7,
        new Entry.State(Entry.StateKind.SNAPSHOT, RESOURCE, SCOPE,
            TestSpans.started(n, T0 - 5).toBuilder().clearTraceId().clearSpanId().setName("snap-\u00e9\u4e2d").build())));
    Arbitrary<Entry> update = Arbitraries.integers().between(0, 20).map(n -> new Entry(TestSpans.key(n), T0 + 9,
        new Entry.Update(SpanUpdate.newBuilder().setName("renamed").setStatus(Status.newBuilder()
            .setCode(Status.StatusCode.STATUS_CODE_OK)).addLinks(Span.Link.newBuilder().setTraceId(TestSpans.traceId(5))
            .setSpanId(TestSpans.spanId(5))).build())));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, specEntry), net.jqwik.api.Tuple.of(1, snapshot),
        net.jqwik.api.Tuple.of(1, update)).list().ofMinSize(1).ofMaxSize(12);
  }
}
