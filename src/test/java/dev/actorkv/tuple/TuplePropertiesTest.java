package dev.actorkv.tuple;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Round trip, ordering and canonical-form properties of the tuple codec. */
class TuplePropertiesTest {
  private static final HexFormat HEX = HexFormat.of();

  @Provide
  Arbitrary<Tuple> tuples() {
    return TupleArbitraries.tuples();
  }

  @Property(tries = 1000)
  void packThenUnpackIsTheIdentity(@ForAll("tuples") Tuple t) {
    byte[] packed = t.pack();
    assertEquals(t.packedSize(), packed.length);
    Tuple back = Tuple.fromBytes(packed);
    assertEquals(t, back);
    assertEquals(t.hashCode(), back.hashCode());
    assertArrayEquals(packed, back.pack());
  }

  @Property(tries = 500)
  void unpackWithinALargerArrayUsesOnlyTheRange(
      @ForAll("tuples") Tuple t, @ForAll("tuples") Tuple before, @ForAll("tuples") Tuple after) {
    byte[] prefix = before.pack();
    byte[] key = t.packWithPrefix(prefix);
    byte[] suffix = after.pack();
    byte[] whole = Arrays.copyOf(key, key.length + suffix.length);
    System.arraycopy(suffix, 0, whole, key.length, suffix.length);
    assertEquals(t, Tuple.fromBytes(whole, prefix.length, key.length - prefix.length));
    assertEquals(t, Tuple.fromBytes(key, prefix.length));
  }

  @Property(tries = 1500)
  void byteOrderEqualsTupleOrder(@ForAll("tuples") Tuple a, @ForAll("tuples") Tuple b) {
    int byBytes = Integer.signum(Arrays.compareUnsigned(a.pack(), b.pack()));
    assertEquals(byBytes, Integer.signum(a.compareTo(b)), () -> a + " vs " + b);
    assertEquals(byBytes == 0, a.equals(b));
  }

  @Property(tries = 500)
  void byteOrderEqualsOrderOfSingleElements(@ForAll("elements") Object x, @ForAll("elements") Object y) {
    Tuple a = Tuple.of(x);
    Tuple b = Tuple.of(y);
    assertEquals(Integer.signum(Arrays.compareUnsigned(a.pack(), b.pack())), Integer.signum(a.compareTo(b)), () -> a + " vs " + b);
  }

  @Provide
  Arbitrary<Object> elements() {
    return TupleArbitraries.elements(1);
  }

  /**
   * The canonical-form property on arbitrary input: bytes either fail to decode with a
   * TupleFormatException whose offset lies inside the input, or decode to a tuple that packs back to
   * exactly those bytes.
   */
  @Property(tries = 2000)
  void anyBytesDecodeCanonicallyOrAreRejected(@ForAll("noise") byte[] input) {
    checkCanonicalOrRejected(input);
  }

  @Provide
  Arbitrary<byte[]> noise() {
    Arbitrary<Byte> interesting = Arbitraries.of(
        (byte) 0x00, (byte) 0x01, (byte) 0x02, (byte) 0x05, (byte) 0x0b, (byte) 0x0c, (byte) 0x13, (byte) 0x14,
        (byte) 0x15, (byte) 0x1c, (byte) 0x1d, (byte) 0x20, (byte) 0x21, (byte) 0x26, (byte) 0x27, (byte) 0x30,
        (byte) 0x33, (byte) 0x80, (byte) 0xc3, (byte) 0xe4, (byte) 0xed, (byte) 0xf0, (byte) 0xff, (byte) 'a');
    Arbitrary<byte[]> fromInteresting = interesting.list().ofMaxSize(24).map(l -> {
      byte[] b = new byte[l.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = l.get(i);
      }
      return b;
    });
    return Arbitraries.oneOf(fromInteresting, Arbitraries.bytes().array(byte[].class).ofMaxSize(24));
  }

  /** Every single-byte change, truncation and extension of a valid encoding is rejected or canonical. */
  @Property(tries = 200)
  void mutationsOfValidEncodingsDecodeCanonicallyOrAreRejected(@ForAll("tuples") Tuple t, @ForAll byte value) {
    byte[] packed = t.pack();
    for (int i = 0; i < packed.length; i++) {
      byte[] m = packed.clone();
      m[i] = value;
      checkCanonicalOrRejected(m);
      checkCanonicalOrRejected(Arrays.copyOf(packed, i));
      byte[] without = new byte[packed.length - 1];
      System.arraycopy(packed, 0, without, 0, i);
      System.arraycopy(packed, i + 1, without, i, packed.length - i - 1);
      checkCanonicalOrRejected(without);
    }
    byte[] extended = Arrays.copyOf(packed, packed.length + 1);
    extended[packed.length] = value;
    checkCanonicalOrRejected(extended);
  }

  static void checkCanonicalOrRejected(byte[] input) {
    Tuple t;
    try {
      t = Tuple.fromBytes(input);
    } catch (TupleFormatException e) {
      assertTrue(e.offset() >= 0 && e.offset() <= input.length, () -> "offset " + e.offset() + " outside input " + HEX.formatHex(input));
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("decoding " + HEX.formatHex(input) + " threw " + e, e);
    }
    assertEquals(HEX.formatHex(input), HEX.formatHex(t.pack()), "accepted a non-canonical encoding");
  }

  /** Generated non-canonical and malformed elements, each placed inside a valid tuple, are rejected. */
  @Property(tries = 1000)
  void nonCanonicalVariantsAreRejected(
      @ForAll("nonCanonical") byte[] bad, @ForAll("tuples") Tuple before, @ForAll("tuples") Tuple after, @ForAll boolean nest) {
    byte[] element = bad;
    if (nest) {
      element = new byte[bad.length + 2];
      element[0] = 0x05;
      System.arraycopy(bad, 0, element, 1, bad.length);
    }
    byte[] prefix = before.pack();
    byte[] suffix = after.pack();
    byte[] input = new byte[prefix.length + element.length + suffix.length];
    System.arraycopy(prefix, 0, input, 0, prefix.length);
    System.arraycopy(element, 0, input, prefix.length, element.length);
    System.arraycopy(suffix, 0, input, prefix.length + element.length, suffix.length);
    TupleFormatException e = assertThrows(TupleFormatException.class, () -> Tuple.fromBytes(input), () -> HEX.formatHex(input));
    assertTrue(e.offset() >= prefix.length, () -> "error at " + e.offset() + " before the bad element at " + prefix.length + ": " + e.getMessage());
  }

  @Provide
  Arbitrary<byte[]> nonCanonical() {
    return Arbitraries.oneOf(NonCanonical.intWithLeadingZero(), NonCanonical.bigFormForSmallMagnitude(),
        NonCanonical.bigFormWithLeadingZero(), NonCanonical.invalidUtf8String(), NonCanonical.unknownTypeCode());
  }

  /**
   * Elements cut short at the end of the input are rejected: unterminated strings, byte strings and
   * nested tuples, fixed-width elements missing bytes, and length bytes claiming more than is there.
   */
  @Property(tries = 1000)
  void unterminatedElementsAreRejected(@ForAll("tuples") Tuple before, @ForAll("unterminated") byte[] bad) {
    byte[] prefix = before.pack();
    byte[] input = Arrays.copyOf(prefix, prefix.length + bad.length);
    System.arraycopy(bad, 0, input, prefix.length, bad.length);
    assertThrows(TupleFormatException.class, () -> Tuple.fromBytes(input), () -> HEX.formatHex(input));
  }

  @Provide
  Arbitrary<byte[]> unterminated() {
    Arbitrary<byte[]> unterminated = TupleArbitraries.elements(2)
        .map(e -> Tuple.of(e).pack())
        .filter(p -> p[0] == 0x01 || p[0] == 0x02 || p[0] == 0x05)
        .map(p -> Arrays.copyOf(p, p.length - 1));
    return Arbitraries.oneOf(unterminated, NonCanonical.truncatedFixedWidth(), NonCanonical.bigFormShorterThanClaimed());
  }

  @Example
  void specificNonCanonicalEncodingsAreRejected() {
    String[] bad = {
      "1500", // 0 as one byte with a leading zero
      "160001", // 1 with a leading zero
      "13ff", // -0 in one byte
      "12ff00", // negative with leading 0xff
      "1d0101", // 1 in the arbitrary-precision form
      "1d08ffffffffffffffff", // 2^64-1 in the arbitrary-precision form (fits 8 bytes)
      "0bf7000000000000000000", // negative, 8-byte magnitude in arbitrary-precision form
      "1d0900ffffffffffffffff", // 9-byte magnitude with a leading zero
      "1d00", // zero-length magnitude
      "02c08000", // overlong NUL
      "02e0808000", // overlong 3-byte
      "02f080808000", // overlong 4-byte
      "02eda08000", // UTF-16 surrogate D800
      "02f490808000", // above U+10FFFF
      "02ff00", // 0xff is never UTF-8
      "028000", // lone continuation byte
      "02e4b800", // truncated 3-byte sequence
      "0061", // null followed by an unknown type code
      "0261", // string without terminator
      "0161", // bytes without terminator
      "0515", // nested tuple without terminator
      "0500", // valid: kept as a control below
      "00ff", // escaped null at top level
      "0500fe00", // 00 followed by a byte other than ff closes the nested tuple; fe is unknown
      "03", "04", "06", "0a", "1e", "1f", "22", "25", "28", "2f", "31", "32", "34", "fe", "ff",
      "20000000", "21", "30" + "00".repeat(15), "33" + "00".repeat(11), "1c00", "0c",
    };
    for (String h : bad) {
      byte[] input = HEX.parseHex(h);
      if (h.equals("0500")) {
        assertEquals(Tuple.of(Tuple.empty()), Tuple.fromBytes(input));
        continue;
      }
      assertThrows(TupleFormatException.class, () -> Tuple.fromBytes(input), h);
    }
  }

  @Example
  void errorsNameTheAbsoluteOffset() {
    byte[] key = HEX.parseHex("0601" + "1502" + "1500");
    TupleFormatException e = assertThrows(TupleFormatException.class, () -> Tuple.fromBytes(key, 2));
    assertEquals(4, e.offset());
    assertTrue(e.problem().contains("leading zero"), e.problem());
    assertTrue(e.getMessage().contains("offset 4"), e.getMessage());
  }

  @Example
  void integerBoundariesUseTheShortestForm() {
    assertEquals("14", HEX.formatHex(Tuple.of(0).pack()));
    assertEquals("15ff", HEX.formatHex(Tuple.of(255).pack()));
    assertEquals("160100", HEX.formatHex(Tuple.of(256).pack()));
    assertEquals("1300", HEX.formatHex(Tuple.of(-255).pack()));
    assertEquals("12feff", HEX.formatHex(Tuple.of(-256).pack()));
    assertEquals("1cffffffffffffffff", HEX.formatHex(Tuple.of(new java.math.BigInteger("18446744073709551615")).pack()));
    assertEquals("1d09010000000000000000", HEX.formatHex(Tuple.of(java.math.BigInteger.ONE.shiftLeft(64)).pack()));
    assertEquals("0c0000000000000000", HEX.formatHex(Tuple.of(new java.math.BigInteger("-18446744073709551615")).pack()));
    assertEquals("0b f6 fe ff ff ff ff ff ff ff ff".replace(" ", ""),
        HEX.formatHex(Tuple.of(java.math.BigInteger.ONE.shiftLeft(64).negate()).pack()));
    assertEquals(Long.MIN_VALUE, Tuple.fromBytes(Tuple.of(Long.MIN_VALUE).pack()).getLong(0));
    assertEquals(new java.math.BigInteger("-9223372036854775809"),
        Tuple.fromBytes(Tuple.of(new java.math.BigInteger("-9223372036854775809")).pack()).getBigInteger(0));
  }

  @Example
  void nestedNullsAreEscapedAndTopLevelNullsAreNot() {
    assertEquals("00", HEX.formatHex(Tuple.of((Object) null).pack()));
    assertEquals("0500ff00", HEX.formatHex(Tuple.of(Tuple.of((Object) null)).pack()));
    assertEquals("0505000000", HEX.formatHex(Tuple.of(Tuple.of(Tuple.empty()), (Object) null).pack()));
  }

  @Example
  void elementsOfUnsupportedTypesAreRejectedOnInput() {
    assertThrows(IllegalArgumentException.class, () -> Tuple.of(new Object()));
    assertThrows(IllegalArgumentException.class, () -> Tuple.of("\ud800"));
    assertThrows(IllegalArgumentException.class, () -> Tuple.of(java.math.BigInteger.ONE.shiftLeft(255 * 8)));
  }
}
