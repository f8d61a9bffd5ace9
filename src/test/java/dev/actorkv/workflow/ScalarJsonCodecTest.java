package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The scalar fast codecs against the Jackson codecs they replace: same bytes for every value, same
 * value or same error for every input (canonical or not).
 */
class ScalarJsonCodecTest {
  private static final List<Class<?>> TYPES = List.of(
      Long.class, long.class, Integer.class, int.class, Short.class, short.class, Byte.class, byte.class,
      Boolean.class, boolean.class, Double.class, double.class, Float.class, float.class);

  /** Inputs the encoder never writes; the fast codec must treat each exactly as Jackson does. */
  private static final List<String> ODD = List.of(
      "", " ", "1 ", " 1", "\t1", "1\n", "01", "00", "-0", "+1", "1.0", "1.5", "-1.0", "1e3", "1E3", "1E+3", "1e-3",
      "1.0E10", "1.0e10", "0.0", "-0.0", ".5", "5.", "-", "--1", "1-", "1E", "E1", "1.0E", "0x10", "1_000",
      "\"1\"", "\"true\"", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "NaN", "Infinity", "-Infinity", "null",
      "nul", "null ", "true", "false", "True", "FALSE", "tru", "true false", "1 2", "[1]", "{}", "{\"a\":1}",
      "127", "128", "-128", "-129", "255", "256", "32767", "32768", "-32769", "2147483647", "2147483648",
      "-2147483649", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
      "99999999999999999999", "1.7976931348623157E308", "1.8E308", "4.9E-324", "2.0E-324", "3.4028235E38",
      "3.5E38", "1.4E-45", "1.0E-46", "1.00", "10.0E1", "1.0E01", "0.1", "1.0E-5", "0.001", "1.0E7",
      "1.2345678E7", "12345678.0", "1.0d", "1.0f", "1,0", "１", "1/*c*/", "1 // c");

  @Test
  void everyScalarTypeGetsTheFastCodec() {
    for (Class<?> t : TYPES) {
      assertInstanceOf(ScalarJsonCodec.class, WorkflowCodecs.of(t), t.getName());
    }
    assertNull(ScalarJsonCodec.forType(String.class));
    assertNull(ScalarJsonCodec.forType(Character.class));
    assertNull(ScalarJsonCodec.forType(java.math.BigDecimal.class));
  }

  @Test
  void oddInputsBehaveAsJackson() {
    for (Class<?> t : TYPES) {
      for (String s : ODD) {
        assertSameDecode(t, s.getBytes(StandardCharsets.UTF_8));
      }
      assertSameDecode(t, new byte[] {(byte) 0xff});
      assertSameDecode(t, new byte[] {'1', 0});
    }
  }

  @Test
  void nullEncodesAsJacksonAndBoxedTypesReadItBack() {
    for (Class<?> t : TYPES) {
      assertEncodesAsJackson(t, null);
    }
    assertNull(WorkflowCodecs.of(Long.class).decode("null".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0L, WorkflowCodecs.of(long.class).decode("null".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void nonFiniteFloatingPointEncodesAsJackson() {
    for (double d : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertEncodesAsJackson(Double.class, d);
      assertEncodesAsJackson(Float.class, (float) d);
    }
  }

  @Property(tries = 400)
  void longsMatchJackson(@ForAll long v) {
    assertEncodesAsJackson(Long.class, v);
    assertEncodesAsJackson(long.class, v);
  }

  @Property(tries = 300)
  void intsShortsBytesAndBooleansMatchJackson(@ForAll int i, @ForAll short s, @ForAll byte b, @ForAll boolean z) {
    assertEncodesAsJackson(Integer.class, i);
    assertEncodesAsJackson(Short.class, s);
    assertEncodesAsJackson(Byte.class, b);
    assertEncodesAsJackson(Boolean.class, z);
    // The same numbers read by a wider or narrower type: in range fast, out of range as Jackson says.
    for (Class<?> t : List.of(Long.class, Integer.class, Short.class, Byte.class, Boolean.class)) {
      assertSameDecode(t, Long.toString(i).getBytes(StandardCharsets.US_ASCII));
      assertSameDecode(t, Long.toString(s).getBytes(StandardCharsets.US_ASCII));
      assertSameDecode(t, Long.toString(b).getBytes(StandardCharsets.US_ASCII));
    }
  }

  @Property(tries = 1000)
  void doublesMatchJackson(@ForAll("doubles") double d) {
    assertEncodesAsJackson(Double.class, d);
    assertEncodesAsJackson(double.class, d);
    // A double's text read as a float goes through the same rounding as Jackson's.
    assertSameDecode(Float.class, Double.toString(d).getBytes(StandardCharsets.US_ASCII));
  }

  @Property(tries = 1000)
  void floatsMatchJackson(@ForAll("floats") float f) {
    assertEncodesAsJackson(Float.class, f);
    assertEncodesAsJackson(float.class, f);
    assertSameDecode(Double.class, Float.toString(f).getBytes(StandardCharsets.US_ASCII));
  }

  @Property(tries = 2000)
  void randomTextDecodesAsJackson(@ForAll("jsonish") String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    for (Class<?> t : TYPES) {
      assertSameDecode(t, bytes);
    }
  }

  @Test
  void canonicalIntegerParsing() {
    assertEquals(Long.MIN_VALUE, ScalarJsonCodec.canonicalInteger("-9223372036854775808".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(Long.MAX_VALUE, ScalarJsonCodec.canonicalInteger("9223372036854775807".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertNull(ScalarJsonCodec.canonicalInteger("9223372036854775808".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertNull(ScalarJsonCodec.canonicalInteger("-9223372036854775809".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertNull(ScalarJsonCodec.canonicalInteger("-0".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertNull(ScalarJsonCodec.canonicalInteger("007".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertEquals(0L, ScalarJsonCodec.canonicalInteger("0".getBytes(), Long.MIN_VALUE, Long.MAX_VALUE));
    assertNull(ScalarJsonCodec.canonicalInteger("128".getBytes(), Byte.MIN_VALUE, Byte.MAX_VALUE));
    assertEquals(-128L, ScalarJsonCodec.canonicalInteger("-128".getBytes(), Byte.MIN_VALUE, Byte.MAX_VALUE));
  }

  @Provide
  Arbitrary<Double> doubles() {
    return Arbitraries.oneOf(
        Arbitraries.doubles().withSpecialValue(-0.0).withSpecialValue(Double.MIN_VALUE).withSpecialValue(Double.MAX_VALUE)
            .withSpecialValue(Double.MIN_NORMAL).withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY),
        Arbitraries.longs().map(Double::longBitsToDouble),
        Arbitraries.integers().between(-100_000, 100_000).map(i -> i / 100.0));
  }

  @Provide
  Arbitrary<Float> floats() {
    return Arbitraries.oneOf(
        Arbitraries.floats().withSpecialValue(-0.0f).withSpecialValue(Float.MIN_VALUE).withSpecialValue(Float.MAX_VALUE)
            .withSpecialValue(Float.NaN).withSpecialValue(Float.NEGATIVE_INFINITY),
        Arbitraries.integers().map(Float::intBitsToFloat),
        Arbitraries.integers().between(-100_000, 100_000).map(i -> i / 100.0f));
  }

  @Provide
  Arbitrary<String> jsonish() {
    Arbitrary<String> noise = Arbitraries.strings().withChars("0123456789-+.eE nulltruefalsNaIfy\"[]{},\t").ofMinLength(0).ofMaxLength(14);
    Arbitrary<String> mutated = Combinators.combine(
        Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), Arbitraries.doubles().map(String::valueOf),
            Arbitraries.floats().map(String::valueOf)),
        Arbitraries.of(" ", "0", "-", ".", "e", "E", "E-", ".0", "x", "\""),
        Arbitraries.integers().between(0, 30))
        .as((base, insert, at) -> {
          int pos = Math.min(at, base.length());
          return base.substring(0, pos) + insert + base.substring(pos);
        });
    return Arbitraries.oneOf(noise, mutated);
  }

  private static void assertEncodesAsJackson(Class<?> type, Object value) {
    @SuppressWarnings("unchecked")
    WorkflowCodec<Object> fast = (WorkflowCodec<Object>) WorkflowCodecs.of(type);
    @SuppressWarnings("unchecked")
    WorkflowCodec<Object> jackson = (WorkflowCodec<Object>) WorkflowCodecs.jsonOf(type);
    byte[] bytes = fast.encode(value);
    assertArrayEquals(jackson.encode(value), bytes, () -> type + " " + value);
    assertSameDecode(type, bytes);
    if (value != null) {
      assertEquals(value, fast.decode(bytes), () -> type + " " + value);
    }
  }

  /** Both codecs return equal values, or both throw the same exception with the same message. */
  private static void assertSameDecode(Class<?> type, byte[] bytes) {
    Outcome expected = decode(WorkflowCodecs.jsonOf(type), bytes);
    Outcome actual = decode(WorkflowCodecs.of(type), bytes);
    assertEquals(expected, actual, () -> type.getName() + " <- \"" + new String(bytes, StandardCharsets.UTF_8) + "\"");
  }

  private record Outcome(Object value, Class<?> error, String message) {}

  private static Outcome decode(WorkflowCodec<?> codec, byte[] bytes) {
    try {
      Object v = codec.decode(bytes.clone());
      return new Outcome(v, null, null);
    } catch (RuntimeException e) {
      return new Outcome(null, e.getClass(), e.getMessage());
    }
  }

  @Test
  void encodedBytesAreFreshArrays() {
    WorkflowCodec<Boolean> b = WorkflowCodecs.of(Boolean.class);
    byte[] first = b.encode(true);
    first[0] = 'x';
    assertArrayEquals("true".getBytes(StandardCharsets.US_ASCII), b.encode(true));
    WorkflowCodec<Long> l = WorkflowCodecs.of(Long.class);
    byte[] n = l.encode(null);
    n[0] = 'x';
    assertArrayEquals("null".getBytes(StandardCharsets.US_ASCII), l.encode(null));
    assertSame(Boolean.TRUE, b.decode("true".getBytes(StandardCharsets.US_ASCII)));
  }
}
