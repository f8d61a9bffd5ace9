package dev.actorkv.traces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The span path's id decoding ({@link SpanKey#idFromHex}) against the general one ({@link SpanKey#fromHex}). */
class SpanKeyTest {

  /** Any id spelled in any mix of cases decodes to the same bytes both ways. */
  @Property(tries = 300)
  void idFromHexDecodesAsFromHex(@ForAll @Size(min = 8, max = 8) byte[] spanId, @ForAll @Size(min = 16, max = 16) byte[] traceId,
      @ForAll long caseMask) {
    for (byte[] id : new byte[][] {spanId, traceId}) {
      String hex = mixCase(SpanKey.hex().encode(id), caseMask);
      ByteString fast = SpanKey.idFromHex(hex, id.length, "id");
      assertEquals(SpanKey.fromHex(hex, "id"), fast);
      assertEquals(ByteString.copyFrom(id), fast);
    }
  }

  /** A string the general decoding refuses (a non-hex character anywhere) is refused too, with the same kind of error. */
  @Property(tries = 300)
  void idFromHexRefusesWhatFromHexRefuses(@ForAll @Size(min = 8, max = 8) byte[] id, @ForAll("positions") int at,
      @ForAll("chars") char c) {
    StringBuilder hex = new StringBuilder(SpanKey.hex().encode(id));
    hex.setCharAt(at, c);
    String s = hex.toString();
    boolean generalAccepts;
    try {
      SpanKey.fromHex(s, "span id");
      generalAccepts = true;
    } catch (IllegalArgumentException e) {
      generalAccepts = false;
    }
    if (generalAccepts) {
      assertEquals(SpanKey.fromHex(s, "span id"), SpanKey.idFromHex(s, 8, "span id"));
    } else {
      var e = assertThrows(IllegalArgumentException.class, () -> SpanKey.idFromHex(s, 8, "span id"));
      assertTrue(e.getMessage().contains("span id is not hex"), e.getMessage());
    }
  }

  @Provide
  Arbitrary<Integer> positions() {
    return Arbitraries.integers().between(0, 15);
  }

  @Provide
  Arbitrary<Character> chars() {
    return Arbitraries.oneOf(Arbitraries.chars().range('\0', '\u007f'), Arbitraries.chars(),
        Arbitraries.of('\uff10', '\u0660', 'g', 'G', '/', ':', '@', '`'));
  }

  @Test
  void wrongLengthIsRefused() {
    var e = assertThrows(IllegalArgumentException.class, () -> SpanKey.idFromHex("0123456789abcde", 8, "span id"));
    assertTrue(e.getMessage().contains("16 hex digits"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SpanKey.idFromHex("0123456789abcdef0", 8, "span id"));
  }

  /** The SDK path's key is the key the ids' bytes make. */
  @Property(tries = 200)
  void keyOfSpanContextIsItsIds(@ForAll @Size(min = 16, max = 16) byte[] traceId, @ForAll @Size(min = 8, max = 8) byte[] spanId) {
    SpanContext ctx = SpanContext.create(SpanKey.hex().encode(traceId), SpanKey.hex().encode(spanId), TraceFlags.getSampled(),
        TraceState.getDefault());
    if (!ctx.isValid()) {
      assertThrows(IllegalArgumentException.class, () -> SpanDataConverter.key(ctx));
      return;
    }
    assertEquals(new SpanKey(ByteString.copyFrom(ctx.getTraceIdBytes()), ByteString.copyFrom(ctx.getSpanIdBytes())),
        SpanDataConverter.key(ctx));
  }

  private static String mixCase(String hex, long mask) {
    StringBuilder b = new StringBuilder(hex.length());
    for (int i = 0; i < hex.length(); i++) {
      String ch = hex.substring(i, i + 1);
      b.append((mask >>> (i % 64) & 1) != 0 ? ch.toUpperCase(Locale.ROOT) : ch);
    }
    return b.toString();
  }
}
