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
  private static final Tuple EMPTY = new Tuple(List.of());
  private final List<Object> elements;
  private int hash;

  private Tuple(List<Object> elements) {
    this.elements = elements;
  }

  static Tuple ofTrusted(List<Object> elements) {
    return elements.isEmpty() ? EMPTY : new Tuple(Collections.unmodifiableList(elements));
  }

  public static Tuple empty() {
    return EMPTY;
  }

  /** A tuple of the given elements, normalized (see class comment). */
  public static Tuple of(Object... elements) {
    List<Object> out = new ArrayList<>(elements.length);
    for (Object e : elements) {
      out.add(TupleCodec.normalize(e));
    }
    return ofTrusted(out);
  }

  public static Tuple fromList(List<?> elements) {
    List<Object> out = new ArrayList<>(elements.size());
    for (Object e : elements) {
      out.add(TupleCodec.normalize(e));
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

  List<Object> elementsUnsafe() {
    return elements;
  }

  public int size() {
    return elements.size();
  }

  public boolean isEmpty() {
    return elements.isEmpty();
  }

  /** The element at {@code i}; byte arrays are returned as copies. */
  public Object get(int i) {
    Object e = elements.get(i);
    return e instanceof byte[] b ? b.clone() : e;
  }

  /** The elements, byte arrays copied. */
  public List<Object> items() {
    List<Object> out = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      out.add(get(i));
    }
    return Collections.unmodifiableList(out);
  }

  public long getLong(int i) {
    Object e = elements.get(i);
    if (e instanceof Long l) {
      return l;
    }
    throw new ClassCastException("element " + i + " is " + typeName(e) + ", not an integer in the long range");
  }

  public BigInteger getBigInteger(int i) {
    return switch (elements.get(i)) {
      case Long l -> BigInteger.valueOf(l);
      case BigInteger b -> b;
      case Object o -> throw new ClassCastException("element " + i + " is " + typeName(o) + ", not an integer");
      case null -> throw new ClassCastException("element " + i + " is null, not an integer");
    };
  }

  public String getString(int i) {
    if (elements.get(i) instanceof String s) {
      return s;
    }
    throw new ClassCastException("element " + i + " is " + typeName(elements.get(i)) + ", not a string");
  }

  public byte[] getBytes(int i) {
    if (elements.get(i) instanceof byte[] b) {
      return b.clone();
    }
    throw new ClassCastException("element " + i + " is " + typeName(elements.get(i)) + ", not bytes");
  }

  public Tuple getNested(int i) {
    if (elements.get(i) instanceof Tuple t) {
      return t;
    }
    throw new ClassCastException("element " + i + " is " + typeName(elements.get(i)) + ", not a tuple");
  }

  /** A tuple with {@code e} appended. */
  public Tuple add(Object e) {
    List<Object> out = new ArrayList<>(elements.size() + 1);
    out.addAll(elements);
    out.add(TupleCodec.normalize(e));
    return ofTrusted(out);
  }

  /** A tuple of the elements {@code [from, to)}. */
  public Tuple subTuple(int from, int to) {
    return ofTrusted(new ArrayList<>(elements.subList(from, to)));
  }

  static String typeName(Object e) {
    return e == null ? "null" : e instanceof byte[] ? "bytes" : e.getClass().getSimpleName();
  }

  @Override
  public int compareTo(Tuple o) {
    return TupleOrder.compareLists(elements, o.elements);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Tuple t) || t.elements.size() != elements.size()) {
      return false;
    }
    for (int i = 0; i < elements.size(); i++) {
      if (!elementEquals(elements.get(i), t.elements.get(i))) {
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
    for (int i = 0; i < elements.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object e = elements.get(i);
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
