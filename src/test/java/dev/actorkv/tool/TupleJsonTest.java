package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.tuple.Tuple;
import dev.actorkv.tuple.TupleArbitraries;
import dev.actorkv.tuple.Versionstamp;
import java.math.BigInteger;
import java.util.HexFormat;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The JSON notation of tuples: every form, the special floats, and strict rejection of everything else. */
class TupleJsonTest {
  private static final HexFormat HEX = HexFormat.of();

  @Provide
  Arbitrary<Tuple> tuples() {
    return TupleArbitraries.tuples();
  }

  /** Format then parse is the identity on every tuple whose NaNs (if any) are the canonical NaN. */
  @Property(tries = 1000)
  void formatThenParseIsTheIdentity(@ForAll("tuples") Tuple t) {
    Tuple back = TupleJson.parse(TupleJson.format(t));
    if (!hasNaN(t)) {
      assertEquals(t, back, () -> TupleJson.format(t));
    } else {
      assertEquals(TupleJson.format(t), TupleJson.format(back));
    }
  }

  private static boolean hasNaN(Tuple t) {
    for (Object e : t.items()) {
      if (e instanceof Float f && f.isNaN() || e instanceof Double d && d.isNaN() || e instanceof Tuple n && hasNaN(n)) {
        return true;
      }
    }
    return false;
  }

  @Example
  void everyFormParses() {
    Tuple t = TupleJson.parse("""
        [null, true, false, 0, -1, 123456789012345678901234567890, "é", [], [null, [1]],
         {"bytes":"00FFab"}, {"float":1.5}, {"double":-2.25}, {"float":"NaN"}, {"double":"Infinity"},
         {"double":"-Infinity"}, {"double":"-0"}, {"float":"-0"},
         {"uuid":"E9E1FC1B-7c42-322e-642d-a3ac016cc146"}, {"versionstamp":"000102030405060708090a0b"}]""");
    assertEquals(Tuple.of(null, true, false, 0L, -1L, new BigInteger("123456789012345678901234567890"), "é",
        Tuple.empty(), Tuple.of(null, Tuple.of(1L)), HEX.parseHex("00ffab"), 1.5f, -2.25, Float.NaN,
        Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, -0.0f,
        UUID.fromString("e9e1fc1b-7c42-322e-642d-a3ac016cc146"),
        Versionstamp.fromBytes(HEX.parseHex("000102030405060708090a0b"))), t);
  }

  @Example
  void formatWritesCanonicalNotation() {
    Tuple t = Tuple.of(HEX.parseHex("00ff"), -0.0, -0.0f, Double.NaN, Float.POSITIVE_INFINITY, 0.1f, 1e300, 5.0,
        UUID.fromString("E9E1FC1B-7C42-322E-642D-A3AC016CC146"), new BigInteger("18446744073709551615"));
    assertEquals("[{\"bytes\":\"00ff\"},{\"double\":\"-0\"},{\"float\":\"-0\"},{\"double\":\"NaN\"},"
        + "{\"float\":\"Infinity\"},{\"float\":0.1},{\"double\":1.0E+300},{\"double\":5.0},"
        + "{\"uuid\":\"e9e1fc1b-7c42-322e-642d-a3ac016cc146\"},18446744073709551615]", TupleJson.format(t));
  }

  @Example
  void aPlainIntegerLiteralIsAlwaysAnIntegerAndADoubleIsAlwaysTyped() {
    // Integers beyond +-(2^53-1) whose digits a double would print are integers too (no JavaScript rule).
    assertEquals(Tuple.of(-9007199254740992L, 10000000000000000L, 9007199254740993L, Long.MAX_VALUE, 9007199254740991L),
        TupleJson.parse("[-9007199254740992, 10000000000000000, 9007199254740993, 9223372036854775807, 9007199254740991]"));
    Tuple ints = Tuple.of(-9007199254740992L, 10000000000000000L);
    assertEquals("[-9007199254740992,10000000000000000]", TupleJson.format(ints));
    Tuple doubles = Tuple.of(-9007199254740992.0, 1e16, 1e300, 1152921504606846976.0);
    assertEquals("[{\"double\":-9007199254740992},{\"double\":1.0E+16},{\"double\":1.0E+300},"
        + "{\"double\":1.152921504606847E+18}]", TupleJson.format(doubles));
    assertEquals(doubles, TupleJson.parse(TupleJson.format(doubles)));
    // The {"int":...} form earlier versions wrote still reads as an integer.
    assertEquals(ints, TupleJson.parse("[{\"int\":\"-9007199254740992\"},{\"int\":\"10000000000000000\"}]"));
  }

  @Example
  void anOversizedIntStringIsRejectedBeforeItIsParsed() {
    String digits = "7".repeat(1_000_000);
    TupleNotationException e = assertThrows(TupleNotationException.class,
        () -> TupleJson.parse("[{\"int\":\"" + digits + "\"}]"));
    assertTrue(e.getMessage().contains("at most " + TupleJson.MAX_INT_DIGITS), e.getMessage());
    assertTrue(e.getMessage().length() < 300, "the message quotes a bounded part of the input");
  }

  @Property(tries = 300)
  void integralDoublesAndLargeIntegersRoundTrip(@ForAll long bits, @ForAll int shift) {
    double d = Math.rint(Math.scalb(1.0 + (bits & 0xfffffffffffffL) / (double) (1L << 52), 53 + Math.floorMod(shift, 20)));
    BigInteger i = new java.math.BigDecimal(d).toBigInteger();
    Tuple t = Tuple.of(d, -d, i, i.negate(), i.add(BigInteger.ONE));
    assertEquals(t, TupleJson.parse(TupleJson.format(t)), () -> TupleJson.format(t));
  }

  @Example
  void floatsRoundOnceToTheirOwnType() {
    // 0.1 as a float is not (float) of the double nearest 0.1 for every literal; parse straight to float.
    Tuple t = TupleJson.parse("[{\"float\":16777217}, {\"float\":1.00000017881393432617187499}]");
    assertEquals(Tuple.of(16777216.0f, Float.parseFloat("1.00000017881393432617187499")), t);
  }

  @Example
  void badNotationIsATypedErrorNamingTheElement() {
    String[][] cases = {
      {"{}", "must be a JSON array"},
      {"1", "must be a JSON array"},
      {"[1.5]", "element 0: number 1.5 is not an integer"},
      {"[1e3]", "plain JSON integer"},
      {"[[1, 2.0]]", "element 0.1"},
      {"[{\"bytes\":\"abc\"}]", "odd number of digits"},
      {"[{\"bytes\":\"zz\"}]", "not valid hex"},
      {"[{\"bytes\":12}]", "must be a hex string"},
      {"[{\"float\":\"nan\"}]", "must be one of"},
      {"[{\"double\":\"Inf\"}]", "must be one of"},
      {"[{\"double\":1e400}]", "out of the double range"},
      {"[{\"float\":1e39}]", "out of the float range"},
      {"[{\"double\":true}]", "must be a JSON number"},
      {"[{\"uuid\":\"e9e1fc1b7c42322e642da3ac016cc146\"}]", "8-4-4-4-12"},
      {"[{\"uuid\":\"1-2-3-4-5\"}]", "8-4-4-4-12"},
      {"[{\"versionstamp\":\"0001\"}]", "must be 12 bytes"},
      {"[{\"bytes\":\"00\",\"double\":1}]", "exactly one field"},
      {"[{\"long\":1}]", "unknown typed element \"long\""},
      {"[{\"int\":1}]", "int must be a string of at most"},
      {"[{\"int\":\"007\"}]", "int must be a string of at most"},
      {"[{}]", "exactly one field"},
      {"[\"\\ud800\"]", "unpaired surrogate"},
      {"[1] x", "not valid JSON"},
      {"[1,]", "not valid JSON"},
      {"", "empty"},
      {"[{\"bytes\":\"00\",\"bytes\":\"01\"}]", "not valid JSON"},
      {"[" + "1".repeat(700) + "]", "exceeds 255 bytes"},
    };
    for (String[] c : cases) {
      TupleNotationException e = assertThrows(TupleNotationException.class, () -> TupleJson.parse(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), () -> c[0] + " gave \"" + e.getMessage() + "\", expected it to mention " + c[1]);
    }
  }
}
