package dev.actorkv.tuple;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Generators of tuples covering every element type, biased towards values that share prefixes (small
 * pools of strings, bytes and numbers) so that ordering and escaping edge cases come up often.
 */
public final class TupleArbitraries {
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

  private TupleArbitraries() {}

  public static Arbitrary<Tuple> tuples() {
    return elements(3).list().ofMaxSize(6).map(Tuple::fromList);
  }

  public static Arbitrary<Object> elements(int depth) {
    List<Tuple2<Integer, Arbitrary<Object>>> choices = new ArrayList<>(List.of(
        net.jqwik.api.Tuple.of(2, Arbitraries.just(null)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(true, false).map(b -> (Object) b)),
        net.jqwik.api.Tuple.of(6, integers()),
        net.jqwik.api.Tuple.of(4, strings().map(s -> (Object) s)),
        net.jqwik.api.Tuple.of(3, byteStrings().map(b -> (Object) b)),
        net.jqwik.api.Tuple.of(1, floats().map(f -> (Object) f)),
        net.jqwik.api.Tuple.of(2, doubles().map(d -> (Object) d)),
        net.jqwik.api.Tuple.of(1, uuids().map(u -> (Object) u)),
        net.jqwik.api.Tuple.of(1, versionstamps().map(v -> (Object) v))));
    if (depth > 0) {
      choices.add(net.jqwik.api.Tuple.of(2, Arbitraries.lazy(() -> elements(depth - 1)).list().ofMaxSize(4).map(l -> (Object) Tuple.fromList(l))));
    }
    return Arbitraries.frequencyOf(choices.toArray(Tuple2[]::new));
  }

  /** Integers of every encoded width, normalized (Long in the long range, BigInteger outside). */
  public static Arbitrary<Object> integers() {
    Arbitrary<BigInteger> anyWidth = Arbitraries.integers().between(1, 255)
        .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n))
        .flatMap(mag -> Arbitraries.of(1, -1).map(sign -> new BigInteger(sign, mag)));
    Arbitrary<BigInteger> aroundU64 = Arbitraries.longs().between(-300, 300)
        .flatMap(d -> Arbitraries.of(1, -1).map(sign -> TWO_64.add(BigInteger.valueOf(d)).multiply(BigInteger.valueOf(sign))));
    Arbitrary<BigInteger> smallWidth = Arbitraries.integers().between(1, 12)
        .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n))
        .flatMap(mag -> Arbitraries.of(1, -1).map(sign -> new BigInteger(sign, mag)));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.longs().between(-300, 300).map(BigInteger::valueOf)),
            net.jqwik.api.Tuple.of(3, Arbitraries.longs().map(BigInteger::valueOf)),
            net.jqwik.api.Tuple.of(4, smallWidth),
            net.jqwik.api.Tuple.of(2, aroundU64),
            net.jqwik.api.Tuple.of(1, anyWidth))
        .map(TupleCodec::normalize);
  }

  /** Well-formed strings: mostly from a small alphabet with NUL, ASCII, 2-, 3- and 4-byte characters. */
  public static Arbitrary<String> strings() {
    Arbitrary<String> pooled = Arbitraries.of("\0", "a", "b", "\u0001", "\u00ff", "é", "中", "😀", "\u007f", "\uffff")
        .list().ofMaxSize(6).map(l -> String.join("", l));
    Arbitrary<String> anyCodePoints = Arbitraries.integers().between(0, 0x10ffff)
        .filter(cp -> cp < 0xd800 || cp > 0xdfff)
        .list().ofMaxSize(8)
        .map(cps -> {
          StringBuilder sb = new StringBuilder();
          cps.forEach(sb::appendCodePoint);
          return sb.toString();
        });
    return Arbitraries.oneOf(pooled, anyCodePoints);
  }

  public static Arbitrary<byte[]> byteStrings() {
    Arbitrary<byte[]> pooled = Arbitraries.of((byte) 0, (byte) 1, (byte) 0xff, (byte) 0x7f, (byte) 'a')
        .list().ofMaxSize(6).map(l -> {
          byte[] b = new byte[l.size()];
          for (int i = 0; i < b.length; i++) {
            b[i] = l.get(i);
          }
          return b;
        });
    return Arbitraries.oneOf(pooled, Arbitraries.bytes().array(byte[].class).ofMaxSize(12));
  }

  /** Floats from raw bits (every NaN payload, subnormals, both zeros, infinities) and a small pool. */
  public static Arbitrary<Float> floats() {
    return Arbitraries.oneOf(
        Arbitraries.integers().map(Float::intBitsToFloat),
        Arbitraries.of(0.0f, -0.0f, 1.0f, -1.0f, 0.5f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE));
  }

  public static Arbitrary<Double> doubles() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(Double::longBitsToDouble),
        Arbitraries.of(0.0, -0.0, 1.0, -1.0, 0.5, -2.25, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MIN_VALUE));
  }

  public static Arbitrary<UUID> uuids() {
    return Arbitraries.oneOf(
        Arbitraries.longs().list().ofSize(2).map(l -> new UUID(l.get(0), l.get(1))),
        Arbitraries.of(new UUID(0, 0), new UUID(0, 1), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 0)));
  }

  public static Arbitrary<Versionstamp> versionstamps() {
    return Arbitraries.bytes().array(byte[].class).ofSize(Versionstamp.LENGTH)
        // All-0xff transaction versions mark an incomplete versionstamp in fdb-java; keep them out so the
        // cross-check can pack every generated tuple.
        .filter(b -> !(b[0] == (byte) 0xff && b[1] == (byte) 0xff))
        .map(Versionstamp::fromBytes);
  }
}
