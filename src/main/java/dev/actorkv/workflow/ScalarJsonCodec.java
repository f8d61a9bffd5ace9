package dev.actorkv.workflow;

import com.google.common.primitives.Primitives;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The default codec of a boxed or primitive number or boolean: the same JSON as the Jackson codec it
 * stands in for, without loading Jackson for the values a workflow records in practice.
 *
 * <p>Exactness is by construction. Encoding writes what Jackson writes for the value (Jackson's
 * number output is {@code Long.toString}, {@code Double.toString}, ... of the value); the few values
 * Jackson writes differently (a non-finite float, written as a JSON string) go to Jackson itself.
 * Decoding takes a fast path only for the canonical form this encoder writes, which Jackson reads as
 * the same value; every other input (whitespace, {@code "1.0"} for a long, {@code "-0"}, {@code 1e3},
 * strings, trailing tokens, ...) goes to the Jackson reader, so what is accepted and what is rejected
 * with which message stays exactly Jackson's. The Jackson codec is built on first need only.
 */
final class ScalarJsonCodec<T> implements WorkflowCodec<T> {
  /** The scalar types with a fast path, by wrapper class. */
  enum Kind {
    LONG(Long.class), INT(Integer.class), SHORT(Short.class), BYTE(Byte.class), BOOLEAN(Boolean.class),
    DOUBLE(Double.class), FLOAT(Float.class);

    final Class<?> wrapper;

    Kind(Class<?> wrapper) {
      this.wrapper = wrapper;
    }
  }

  private static final byte[] NULL = {'n', 'u', 'l', 'l'};
  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  private final Class<T> type;
  private final Kind kind;
  /** Jackson reads "null" as null for a boxed type and as the zero value for a primitive one. */
  private final boolean boxed;
  private volatile WorkflowCodec<T> jackson;

  private ScalarJsonCodec(Class<T> type, Kind kind) {
    this.type = type;
    this.kind = kind;
    this.boxed = !type.isPrimitive();
  }

  /** The codec for {@code type}, or null when {@code type} is not one of the scalar types. */
  static <T> ScalarJsonCodec<T> forType(Class<T> type) {
    Kind kind = kindOf(type);
    return kind == null ? null : new ScalarJsonCodec<>(type, kind);
  }

  private static Kind kindOf(Class<?> type) {
    Class<?> wrapper = Primitives.wrap(type);
    for (Kind k : Kind.values()) {
      if (k.wrapper == wrapper) {
        return k;
      }
    }
    return null;
  }

  @Override
  public byte[] encode(T value) {
    if (value == null) {
      return NULL.clone();
    }
    String text = switch (kind) {
      case LONG, INT, SHORT, BYTE, BOOLEAN -> value.toString();
      case DOUBLE -> Double.isFinite((Double) value) ? value.toString() : null;
      case FLOAT -> Float.isFinite((Float) value) ? value.toString() : null;
    };
    return text == null ? jackson().encode(value) : text.getBytes(StandardCharsets.ISO_8859_1);
  }

  @Override
  public T decode(byte[] bytes) {
    if (boxed && Arrays.equals(bytes, NULL)) {
      return null;
    }
    Object fast = canonical(bytes);
    if (fast == null) {
      return jackson().decode(bytes);
    }
    @SuppressWarnings("unchecked")
    T value = (T) fast;
    return value;
  }

  /** The value {@code bytes} is the canonical encoding of, or null when it is not one. */
  private Object canonical(byte[] bytes) {
    return switch (kind) {
      case LONG -> canonicalInteger(bytes, Long.MIN_VALUE, Long.MAX_VALUE);
      case INT -> {
        Long v = canonicalInteger(bytes, Integer.MIN_VALUE, Integer.MAX_VALUE);
        yield v == null ? null : (Object) v.intValue();
      }
      case SHORT -> {
        Long v = canonicalInteger(bytes, Short.MIN_VALUE, Short.MAX_VALUE);
        yield v == null ? null : (Object) v.shortValue();
      }
      case BYTE -> {
        Long v = canonicalInteger(bytes, Byte.MIN_VALUE, Byte.MAX_VALUE);
        yield v == null ? null : (Object) v.byteValue();
      }
      case BOOLEAN -> Arrays.equals(bytes, TRUE) ? Boolean.TRUE : Arrays.equals(bytes, FALSE) ? Boolean.FALSE : null;
      case DOUBLE -> {
        String s = canonicalFloatText(bytes);
        Double d = s == null ? null : parseOrNull(s, false);
        yield d != null && Double.isFinite(d) && Double.toString(d).equals(s) ? d : null;
      }
      case FLOAT -> {
        String s = canonicalFloatText(bytes);
        Double d = s == null ? null : parseOrNull(s, true);
        if (d == null) {
          yield null;
        }
        float f = d.floatValue();
        yield Float.isFinite(f) && Float.toString(f).equals(s) ? (Object) f : null;
      }
    };
  }

  /** {@code s} parsed as a double (or as a float, widened), null when it does not parse. */
  private static Double parseOrNull(String s, boolean asFloat) {
    try {
      return asFloat ? (double) Float.parseFloat(s) : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * {@code -?(0|[1-9][0-9]*)} within [min, max], except {@code -0}: what {@code Long.toString} writes.
   * Null for anything else.
   */
  static Long canonicalInteger(byte[] b, long min, long max) {
    int n = b.length;
    boolean negative = n > 0 && b[0] == '-';
    int i = negative ? 1 : 0;
    // At most 19 digits (Long.MIN_VALUE has 19); no leading zero unless the number is 0.
    if (n == i || n - i > 19 || (b[i] == '0' && (n - i > 1 || negative))) {
      return null;
    }
    // Accumulated negatively: the negative range is the larger one.
    long acc = 0;
    for (; i < n; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        return null;
      }
      if (acc < (Long.MIN_VALUE + d) / 10) {
        return null;
      }
      acc = acc * 10 - d;
    }
    if (!negative) {
      if (acc == Long.MIN_VALUE) {
        return null;
      }
      acc = -acc;
    }
    return acc < min || acc > max ? null : acc;
  }

  /**
   * The text of {@code bytes} when it could be a canonical {@code Double.toString} or
   * {@code Float.toString} of a finite value (a sign, digits, one '.', an exponent), else null; the
   * caller checks that the value prints back to exactly this text.
   */
  private static String canonicalFloatText(byte[] b) {
    // Shortest repr of a float or double is at most 25 characters ("-2.2250738585072014E-308").
    if (b.length < 3 || b.length > 26) {
      return null;
    }
    for (byte c : b) {
      if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == 'E')) {
        return null;
      }
    }
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  private WorkflowCodec<T> jackson() {
    WorkflowCodec<T> j = jackson;
    if (j == null) {
      // Racing threads may build it twice; both are the same immutable codec.
      j = WorkflowCodecs.jsonOf(type);
      jackson = j;
    }
    return j;
  }
}
