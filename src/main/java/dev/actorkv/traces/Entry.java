package dev.actorkv.traces;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.traces.proto.SpanUpdate;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.util.Objects;

/** One record waiting in the write buffer, before a chunk gives it dictionary indices. */
record Entry(SpanKey key, long timeNanos, Body body) {
  enum StateKind { START, SNAPSHOT, END }

  sealed interface Body permits State, Update, Event {}

  /**
   * A whole span without ids (the entry's key holds them): a message, or the bytes of its serialization
   * (the SDK path encodes a finished span straight from the SDK's data; it is parsed only when a chunk
   * cannot hold it and it must be cut).
   */
  static final class State implements Body {
    private final StateKind kind;
    private final Resource resource;
    private final InstrumentationScope scope;
    private Span span;
    private final byte[] encoded;

    State(StateKind kind, Resource resource, InstrumentationScope scope, Span span) {
      this(kind, resource, scope, Objects.requireNonNull(span, "span"), null);
    }

    private State(StateKind kind, Resource resource, InstrumentationScope scope, Span span, byte[] encoded) {
      this.kind = kind;
      this.resource = resource;
      this.scope = scope;
      this.span = span;
      this.encoded = encoded;
    }

    /** A state whose span is given by its serialization {@code encoded} (trusted to be a Span without ids). */
    static State encoded(StateKind kind, Resource resource, InstrumentationScope scope, byte[] encoded) {
      return new State(kind, resource, scope, null, Objects.requireNonNull(encoded, "encoded"));
    }

    StateKind kind() {
      return kind;
    }

    Resource resource() {
      return resource;
    }

    InstrumentationScope scope() {
      return scope;
    }

    /** The span as a message (parsed on first use when the state was given as bytes). */
    Span span() {
      if (span == null) {
        try {
          span = Span.parseFrom(encoded);
        } catch (InvalidProtocolBufferException e) {
          throw new IllegalStateException("encoded span does not parse", e);
        }
      }
      return span;
    }

    /** Bytes of the span's serialization. */
    int spanBytes() {
      return encoded != null ? encoded.length : span.getSerializedSize();
    }

    /** Writes the span's serialization (no tag, no length). */
    void writeSpan(CodedOutputStream out) throws IOException {
      if (encoded != null) {
        out.writeRawBytes(encoded);
      } else {
        span.writeTo(out);
      }
    }

    @Override
    public String toString() {
      return "State[" + kind + (encoded != null ? ", " + encoded.length + " encoded bytes]" : ", " + span + "]");
    }
  }

  record Update(SpanUpdate update) implements Body {}

  record Event(Span.Event event) implements Body {}
}
