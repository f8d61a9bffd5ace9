package dev.actorkv.tuple;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * The tuple layer's ordering, defined on values rather than bytes: type rank first (null, bytes,
 * string, nested, integer, float, double, boolean, uuid, versionstamp), then value. Tests check that it
 * agrees with the unsigned order of packed bytes.
 */
final class TupleOrder {
  private TupleOrder() {}

  static int compareArrays(Object[] a, Object[] b) {
    int n = Math.min(a.length, b.length);
    for (int i = 0; i < n; i++) {
      int c = compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length, b.length);
  }

  private static int rank(Object e) {
    return switch (e) {
      case null -> 0;
      case byte[] b -> 1;
      case String s -> 2;
      case Tuple t -> 3;
      case Long l -> 4;
      case BigInteger b -> 4;
      case Float f -> 5;
      case Double d -> 6;
      case Boolean b -> 7;
      case UUID u -> 8;
      case Versionstamp v -> 9;
      default -> throw new IllegalArgumentException("unsupported element " + e.getClass());
    };
  }

  static int compare(Object a, Object b) {
    int ra = rank(a);
    int rb = rank(b);
    if (ra != rb) {
      return Integer.compare(ra, rb);
    }
    return switch (a) {
      case null -> 0;
      case byte[] x -> Arrays.compareUnsigned(x, (byte[]) b);
      case String x -> Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8), ((String) b).getBytes(StandardCharsets.UTF_8));
      case Tuple x -> x.compareTo((Tuple) b);
      case Float x -> Integer.compareUnsigned(floatKey(x), floatKey((Float) b));
      case Double x -> Long.compareUnsigned(doubleKey(x), doubleKey((Double) b));
      case Boolean x -> Boolean.compare(x, (Boolean) b);
      case UUID x -> compareUuid(x, (UUID) b);
      case Versionstamp x -> x.compareTo((Versionstamp) b);
      default -> toBig(a).compareTo(toBig(b));
    };
  }

  private static BigInteger toBig(Object o) {
    return o instanceof Long l ? BigInteger.valueOf(l) : (BigInteger) o;
  }

  /** Total order on floats used by the tuple layer: sign-flipped raw bits compared unsigned. */
  private static int floatKey(float f) {
    int bits = Float.floatToRawIntBits(f);
    return bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE;
  }

  private static long doubleKey(double d) {
    long bits = Double.doubleToRawLongBits(d);
    return bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
  }

  private static int compareUuid(UUID a, UUID b) {
    int c = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
    return c != 0 ? c : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
  }
}
