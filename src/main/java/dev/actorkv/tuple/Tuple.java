package dev.actorkv.tuple;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An immutable FoundationDB tuple. Elements are {@code null}, {@code byte[]}, {@link String}, nested
 * {@link Tuple}, integers ({@link Long}, or {@link BigInteger} outside the long range, up to 255 bytes of
 * magnitude), {@link Float}, {@link Double}, {@link Boolean}, {@link UUID} and {@link Versionstamp}.
 * {@link Integer}, {@link Short}, {@link Byte} and nested {@link List}s are accepted on input and
 * normalized, so equal tuples have equal elements.
 *
 * <p>{@link #pack()} writes the tuple layer encoding; {@link #fromBytes} accepts only canonical
 * encodings. Natural order ({@link #compareTo}) is the tuple layer order, which equals the unsigned
 * byte order of the packed forms.
 */
public final class Tuple implements Comparable<Tuple> {
  private static final Object[] NONE = new Object[0];
  private static final Tuple EMPTY = new Tuple(NONE);
  // Normalized elements, never mutated after construction and never handed out. A plain array keeps
  // construction and decoding to one allocation besides the elements themselves.
  private final Object[] elements;
  // Levels of nested tuples below this one (0 when no element is a tuple); bounded so that every tuple
  // that can be built can also be decoded.
  /** How deep tuples may nest inside a tuple; deeper nesting is refused when a tuple is built or read. */
  public static final int MAX_NESTING = TupleCodec.MAX_DEPTH - 1;

  private final int nesting;
  private int hash;

  private Tuple(Object[] elements) {
    this.elements = elements;
    int n = 0;
    for (Object e : elements) {
      if (e instanceof Tuple t && t.nesting + 1 > n) {
        n = t.nesting + 1;
      }
    }
    if (n >= TupleCodec.MAX_DEPTH) {
      throw new IllegalArgumentException("tuples nested more than " + (TupleCodec.MAX_DEPTH - 1) + " levels deep");
    }
    this.nesting = n;
  }

  /** Wraps an array of normalized elements that nobody else holds. */
  static Tuple ofTrusted(Object[] elements) {
    return elements.length == 0 ? EMPTY : new Tuple(elements);
  }

  public static Tuple empty() {
    return EMPTY;
  }

  // Fixed-arity forms (as Guava's ImmutableList.of) build the element array once, without the copy that
  // a caller-owned varargs array needs.

  public static Tuple of(Object e1) {
    return new Tuple(new Object[] {TupleCodec.normalize(e1)});
  }

  public static Tuple of(Object e1, Object e2) {
    return new Tuple(new Object[] {TupleCodec.normalize(e1), TupleCodec.normalize(e2)});
  }

  public static Tuple of(Object e1, Object e2, Object e3) {
    return new Tuple(new Object[] {TupleCodec.normalize(e1), TupleCodec.normalize(e2), TupleCodec.normalize(e3)});
  }

  public static Tuple of(Object e1, Object e2, Object e3, Object e4) {
    return new Tuple(new Object[] {
      TupleCodec.normalize(e1), TupleCodec.normalize(e2), TupleCodec.normalize(e3), TupleCodec.normalize(e4)
    });
  }

  /** A tuple of the given elements, normalized (see class comment). */
  public static Tuple of(Object... elements) {
    Object[] out = new Object[elements.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = TupleCodec.normalize(elements[i]);
    }
    return ofTrusted(out);
  }

  public static Tuple fromList(List<?> elements) {
    Object[] out = new Object[elements.size()];
    int i = 0;
    for (Object e : elements) {
      out[i++] = TupleCodec.normalize(e);
    }
    return ofTrusted(out);
  }

  /** Decodes a whole array as one packed tuple. */
  public static Tuple fromBytes(byte[] packed) {
    return ofTrusted(TupleCodec.unpack(packed, 0, packed.length));
  }

  /**
   * Decodes {@code packed[offset, offset + length)} as one packed tuple; offsets in errors are absolute
   * positions in {@code packed}, so a key's suffix can be decoded in place after a raw prefix.
   */
  public static Tuple fromBytes(byte[] packed, int offset, int length) {
    return ofTrusted(TupleCodec.unpack(packed, offset, offset + length));
  }

  /** Decodes everything from {@code offset} to the end of {@code packed}. */
  public static Tuple fromBytes(byte[] packed, int offset) {
    return fromBytes(packed, offset, packed.length - offset);
  }

  public byte[] pack() {
    return TupleCodec.pack(elements);
  }

  /** {@code prefix} followed by the packed tuple, in one allocation. */
  public byte[] packWithPrefix(byte[] prefix) {
    byte[] out = new byte[prefix.length + TupleCodec.packedSize(elements)];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    TupleCodec.writeAll(elements, out, prefix.length);
    return out;
  }

  public int packedSize() {
    return TupleCodec.packedSize(elements);
  }

  Object[] elementsUnsafe() {
    return elements;
  }

  public int size() {
    return elements.length;
  }

  public boolean isEmpty() {
    return elements.length == 0;
  }

  /** The element at {@code i}; byte arrays are returned as copies. */
  public Object get(int i) {
    Object e = elements[i];
    return e instanceof byte[] b ? b.clone() : e;
  }

  /** The elements, byte arrays copied. */
  public List<Object> items() {
    List<Object> out = new ArrayList<>(elements.length);
    for (int i = 0; i < elements.length; i++) {
      out.add(get(i));
    }
    return Collections.unmodifiableList(out);
  }

  public long getLong(int i) {
    Object e = elements[i];
    if (e instanceof Long l) {
      return l;
    }
    throw new ClassCastException("element " + i + " is " + typeName(e) + ", not an integer in the long range");
  }

  public BigInteger getBigInteger(int i) {
    return switch (elements[i]) {
      case Long l -> BigInteger.valueOf(l);
      case BigInteger b -> b;
      case Object o -> throw new ClassCastException("element " + i + " is " + typeName(o) + ", not an integer");
      case null -> throw new ClassCastException("element " + i + " is null, not an integer");
    };
  }

  public String getString(int i) {
    if (elements[i] instanceof String s) {
      return s;
    }
    throw new ClassCastException("element " + i + " is " + typeName(elements[i]) + ", not a string");
  }

  public byte[] getBytes(int i) {
    if (elements[i] instanceof byte[] b) {
      return b.clone();
    }
    throw new ClassCastException("element " + i + " is " + typeName(elements[i]) + ", not bytes");
  }

  public Tuple getNested(int i) {
    if (elements[i] instanceof Tuple t) {
      return t;
    }
    throw new ClassCastException("element " + i + " is " + typeName(elements[i]) + ", not a tuple");
  }

  /** A tuple with {@code e} appended. */
  public Tuple add(Object e) {
    Object[] out = Arrays.copyOf(elements, elements.length + 1);
    out[elements.length] = TupleCodec.normalize(e);
    return ofTrusted(out);
  }

  /** A tuple of the elements {@code [from, to)}. */
  public Tuple subTuple(int from, int to) {
    java.util.Objects.checkFromToIndex(from, to, elements.length);
    return ofTrusted(Arrays.copyOfRange(elements, from, to));
  }

  static String typeName(Object e) {
    return e == null ? "null" : e instanceof byte[] ? "bytes" : e.getClass().getSimpleName();
  }

  @Override
  public int compareTo(Tuple o) {
    return TupleOrder.compareArrays(elements, o.elements);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tuple t) || t.elements.length != elements.length) {
      return false;
    }
    for (int i = 0; i < elements.length; i++) {
      if (!elementEquals(elements[i], t.elements[i])) {
        return false;
      }
    }
    return true;
  }

  private static boolean elementEquals(Object a, Object b) {
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.equals(x, y);
    }
    // Floats compare by raw bits so that -0.0 != 0.0 and NaN == NaN, matching their encodings.
    if (a instanceof Float x && b instanceof Float y) {
      return Float.floatToRawIntBits(x) == Float.floatToRawIntBits(y);
    }
    if (a instanceof Double x && b instanceof Double y) {
      return Double.doubleToRawLongBits(x) == Double.doubleToRawLongBits(y);
    }
    return Objects.equals(a, b);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 1;
      for (Object e : elements) {
        int eh = switch (e) {
          case null -> 0;
          case byte[] b -> Arrays.hashCode(b);
          case Float f -> Float.floatToRawIntBits(f);
          case Double d -> Long.hashCode(Double.doubleToRawLongBits(d));
          default -> e.hashCode();
        };
        h = 31 * h + eh;
      }
      hash = h;
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < elements.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object e = elements[i];
      switch (e) {
        case null -> sb.append("null");
        case byte[] b -> sb.append("b'").append(com.google.common.io.BaseEncoding.base16().lowerCase().encode(b)).append("'");
        case String s -> sb.append('"').append(s).append('"');
        default -> sb.append(e);
      }
    }
    return sb.append(")").toString();
  }
}
