package dev.actorkv.traces;

import com.google.common.io.BaseEncoding;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.util.HexFormat;
import java.util.Objects;

/** Identity of one span: a 16-byte trace id and an 8-byte span id, neither all zero (W3C trace context). */
public record SpanKey(ByteString traceId, ByteString spanId) {
  /** Lowercase hex, for ids and keys in text. In a holder: Guava's encodings load only when text is needed. */
  static BaseEncoding hex() {
    return Hex.LOWER;
  }

  private static final class Hex {
    static final BaseEncoding LOWER = BaseEncoding.base16().lowerCase();
  }

  public SpanKey {
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(spanId, "spanId");
    checkId(traceId, 16, "trace id");
    checkId(spanId, 8, "span id");
  }

  /** From lowercase or uppercase hex, as OpenTelemetry's {@code SpanContext} prints ids. */
  public static SpanKey of(String traceIdHex, String spanIdHex) {
    return new SpanKey(fromHex(traceIdHex, "trace id"), fromHex(spanIdHex, "span id"));
  }

  static ByteString fromHex(String hex, String what) {
    try {
      return ByteString.copyFrom(hex().decode(hex.toLowerCase(java.util.Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not hex: \"" + hex + "\"", e);
    }
  }

  /**
   * The {@code bytes}-byte id spelled by {@code hex} (exactly {@code 2 * bytes} lowercase or uppercase hex
   * digits): what {@link #fromHex} decodes, with the JDK's {@link HexFormat} rather than Guava's
   * general-purpose codec on the span path.
   */
  static ByteString idFromHex(CharSequence hex, int bytes, String what) {
    if (hex.length() != 2 * bytes) {
      throw new IllegalArgumentException(what + " must be " + 2 * bytes + " hex digits: \"" + hex + "\"");
    }
    try {
      return UnsafeByteOperations.unsafeWrap(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not hex: \"" + hex + "\"", e);
    }
  }

  static void checkId(ByteString id, int length, String what) {
    if (id.size() != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes, got " + id.size());
    }
    for (int i = 0; i < length; i++) {
      if (id.byteAt(i) != 0) {
        return;
      }
    }
    throw new IllegalArgumentException(what + " must not be all zero");
  }

  public String traceIdHex() {
    return hex().encode(traceId.toByteArray());
  }

  public String spanIdHex() {
    return hex().encode(spanId.toByteArray());
  }

  // Written out rather than the record's generated ones (bootstrapped method handles, slow until the JIT
  // has inlined them): spans are looked up by key several times per span.
  @Override
  public boolean equals(Object o) {
    return o instanceof SpanKey k && traceId.equals(k.traceId) && spanId.equals(k.spanId);
  }

  @Override
  public int hashCode() {
    return 31 * traceId.hashCode() + spanId.hashCode();
  }

  @Override
  public String toString() {
    return traceIdHex() + "/" + spanIdHex();
  }
}
