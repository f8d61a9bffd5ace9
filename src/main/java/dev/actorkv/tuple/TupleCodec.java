package dev.actorkv.tuple;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * Encoder and strict decoder for the FoundationDB tuple layer format. Encoding is two passes (exact
 * size, then write into one array) so packing a key allocates once. Decoding accepts exactly what the
 * encoder writes: every other input raises {@link TupleFormatException} with the offset.
 */
final class TupleCodec {
  static final int NULL = 0x00;
  static final int BYTES = 0x01;
  static final int STRING = 0x02;
  static final int NESTED = 0x05;
  static final int NEG_BIG = 0x0b;
  static final int INT_ZERO = 0x14;
  static final int POS_BIG = 0x1d;
  static final int FLOAT = 0x20;
  static final int DOUBLE = 0x21;
  static final int FALSE = 0x26;
  static final int TRUE = 0x27;
  static final int UUID_CODE = 0x30;
  static final int VERSIONSTAMP = 0x33;
  static final int ESCAPE = 0xff;

  /** Deep enough for any real key, shallow enough that hostile input cannot exhaust the stack. */
  static final int MAX_DEPTH = 128;

  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
  private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
  private static final BigInteger U64_MAX = TWO_64.subtract(BigInteger.ONE);

  private TupleCodec() {}

  // ---------------------------------------------------------------- encoding

  static byte[] pack(Object[] elements) {
    byte[] out = new byte[packedSize(elements)];
    writeAll(elements, out, 0);
    return out;
  }

  static int packedSize(Object[] elements) {
    int size = 0;
    for (Object e : elements) {
      size += size(e, false);
    }
    return size;
  }

  static int writeAll(Object[] elements, byte[] out, int pos) {
    for (Object e : elements) {
      pos = write(e, out, pos, false);
    }
    return pos;
  }

  // instanceof chains ordered by how common each type is in keys (integers, then strings): cheaper on
  // the hot path than a pattern switch.
  private static int size(Object e, boolean nested) {
    if (e instanceof Long l) {
      return 1 + longBytes(l);
    }
    if (e instanceof String s) {
      return 2 + utf8EscapedLength(s);
    }
    if (e instanceof Tuple t) {
      int n = 2;
      for (Object c : t.elementsUnsafe()) {
        n += size(c, true);
      }
      return n;
    }
    if (e == null) {
      return nested ? 2 : 1;
    }
    if (e instanceof byte[] b) {
      return 2 + b.length + countZeros(b);
    }
    return switch (e) {
      case BigInteger bi -> bigSize(bi);
      case Float f -> 5;
      case Double d -> 9;
      case Boolean b -> 1;
      case UUID u -> 17;
      case Versionstamp v -> 13;
      default -> throw new IllegalArgumentException("unsupported tuple element type " + e.getClass());
    };
  }

  private static int write(Object e, byte[] out, int pos, boolean nested) {
    if (e instanceof Long l) {
      return writeLong(l, out, pos);
    }
    if (e instanceof String s) {
      out[pos++] = STRING;
      pos = writeUtf8Escaped(s, out, pos);
      out[pos++] = 0;
      return pos;
    }
    if (e instanceof Tuple t) {
      out[pos++] = NESTED;
      for (Object c : t.elementsUnsafe()) {
        pos = write(c, out, pos, true);
      }
      out[pos++] = 0;
      return pos;
    }
    if (e == null) {
      out[pos++] = NULL;
      if (nested) {
        out[pos++] = (byte) ESCAPE;
      }
      return pos;
    }
    if (e instanceof byte[] b) {
      out[pos++] = BYTES;
      for (byte x : b) {
        out[pos++] = x;
        if (x == 0) {
          out[pos++] = (byte) ESCAPE;
        }
      }
      out[pos++] = 0;
      return pos;
    }
    switch (e) {
      case BigInteger bi -> pos = writeBig(bi, out, pos);
      case Float f -> {
        out[pos++] = FLOAT;
        int bits = Float.floatToRawIntBits(f);
        bits = bits < 0 ? ~bits : bits ^ Integer.MIN_VALUE;
        for (int i = 3; i >= 0; i--) {
          out[pos++] = (byte) (bits >>> (i * 8));
        }
      }
      case Double d -> {
        out[pos++] = DOUBLE;
        long bits = Double.doubleToRawLongBits(d);
        bits = bits < 0 ? ~bits : bits ^ Long.MIN_VALUE;
        pos = putLong(bits, 8, out, pos);
      }
      case Boolean b -> out[pos++] = (byte) (b ? TRUE : FALSE);
      case UUID u -> {
        out[pos++] = UUID_CODE;
        pos = putLong(u.getMostSignificantBits(), 8, out, pos);
        pos = putLong(u.getLeastSignificantBits(), 8, out, pos);
      }
      case Versionstamp v -> {
        out[pos++] = VERSIONSTAMP;
        v.copyTo(out, pos);
        pos += Versionstamp.LENGTH;
      }
      default -> throw new IllegalArgumentException("unsupported tuple element type " + e.getClass());
    }
    return pos;
  }

  /** Number of magnitude bytes of a long as the tuple layer writes it (0 for zero). */
  private static int longBytes(long v) {
    if (v == 0) {
      return 0;
    }
    if (v == Long.MIN_VALUE) {
      return 8;
    }
    long mag = Math.abs(v);
    return (64 - Long.numberOfLeadingZeros(mag) + 7) / 8;
  }

  private static int writeLong(long v, byte[] out, int pos) {
    int n = longBytes(v);
    if (v >= 0) {
      out[pos++] = (byte) (INT_ZERO + n);
      return putLong(v, n, out, pos);
    }
    out[pos++] = (byte) (INT_ZERO - n);
    // Ones' complement of the magnitude in n bytes equals (v - 1) truncated, for |v| < 2^(8n).
    long mag = v == Long.MIN_VALUE ? Long.MIN_VALUE : -v;
    return putLong(~mag, n, out, pos);
  }

  private static int putLong(long v, int n, byte[] out, int pos) {
    for (int i = n - 1; i >= 0; i--) {
      out[pos++] = (byte) (v >>> (i * 8));
    }
    return pos;
  }

  private static byte[] magnitude(BigInteger bi) {
    byte[] raw = bi.abs().toByteArray();
    int skip = 0;
    while (skip < raw.length - 1 && raw[skip] == 0) {
      skip++;
    }
    if (skip == 0) {
      return raw;
    }
    byte[] m = new byte[raw.length - skip];
    System.arraycopy(raw, skip, m, 0, m.length);
    return m;
  }

  private static int bigSize(BigInteger bi) {
    int n = (bi.abs().bitLength() + 7) / 8;
    if (n > 255) {
      throw new IllegalArgumentException("integer magnitude exceeds 255 bytes");
    }
    return n > 8 ? 2 + n : 1 + n;
  }

  private static int writeBig(BigInteger bi, byte[] out, int pos) {
    int signum = bi.signum();
    if (signum == 0) {
      out[pos++] = INT_ZERO;
      return pos;
    }
    byte[] mag = magnitude(bi);
    int n = mag.length;
    if (n > 255) {
      throw new IllegalArgumentException("integer magnitude exceeds 255 bytes");
    }
    if (signum > 0) {
      if (n > 8) {
        out[pos++] = (byte) POS_BIG;
        out[pos++] = (byte) n;
      } else {
        out[pos++] = (byte) (INT_ZERO + n);
      }
      System.arraycopy(mag, 0, out, pos, n);
      return pos + n;
    }
    if (n > 8) {
      out[pos++] = NEG_BIG;
      out[pos++] = (byte) (n ^ 0xff);
    } else {
      out[pos++] = (byte) (INT_ZERO - n);
    }
    for (byte b : mag) {
      out[pos++] = (byte) ~b;
    }
    return pos;
  }

  private static int countZeros(byte[] b) {
    int n = 0;
    for (byte x : b) {
      if (x == 0) {
        n++;
      }
    }
    return n;
  }

  /** UTF-8 length of s plus one escape byte per NUL. Rejects unpaired surrogates. */
  private static int utf8EscapedLength(String s) {
    int n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += c == 0 ? 2 : 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= len || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
        }
        n += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw new IllegalArgumentException("string has an unpaired surrogate at index " + i);
      } else {
        n += 3;
      }
    }
    return n;
  }

  private static int writeUtf8Escaped(String s, byte[] out, int pos) {
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[pos++] = (byte) c;
        if (c == 0) {
          out[pos++] = (byte) ESCAPE;
        }
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xc0 | (c >> 6));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      } else if (Character.isHighSurrogate(c)) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        out[pos++] = (byte) (0xf0 | (cp >> 18));
        out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
        out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (cp & 0x3f));
      } else {
        out[pos++] = (byte) (0xe0 | (c >> 12));
        out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3f));
        out[pos++] = (byte) (0x80 | (c & 0x3f));
      }
    }
    return pos;
  }

  // ---------------------------------------------------------------- decoding

  /** Decodes b[from, to) as a complete top-level tuple. */
  static Object[] unpack(byte[] b, int from, int to) {
    Decoder d = new Decoder(b, from, to);
    return d.elements(false, 0, from);
  }

  private static final class Decoder {
    private final byte[] b;
    private final int end;
    private int pos;

    Decoder(byte[] b, int from, int to) {
      if (from < 0 || to > b.length || from > to) {
        throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + b.length);
      }
      this.b = b;
      this.pos = from;
      this.end = to;
    }

    private TupleFormatException error(int at, String problem) {
      return new TupleFormatException(at, problem);
    }

    private void need(int start, int n, String what) {
      if (end - pos < n) {
        throw error(start, "truncated " + what + ": needs " + n + " more bytes, " + (end - pos) + " left");
      }
    }

    /**
     * Elements up to the end of the input (top level) or through the 00 that closes a nested tuple
     * opened at {@code start}, into an exactly sized array.
     */
    Object[] elements(boolean nested, int depth, int start) {
      Object[] items = new Object[4];
      int n = 0;
      while (true) {
        if (pos >= end) {
          if (nested) {
            throw error(start, "unterminated nested tuple");
          }
          break;
        }
        if (nested && b[pos] == 0 && (pos + 1 >= end || (b[pos + 1] & 0xff) != ESCAPE)) {
          pos++;
          break;
        }
        if (n == items.length) {
          items = Arrays.copyOf(items, n * 2);
        }
        items[n++] = element(nested, depth);
      }
      return n == items.length ? items : Arrays.copyOf(items, n);
    }

    Object element(boolean nested, int depth) {
      int start = pos;
      int code = b[pos++] & 0xff;
      switch (code) {
        case NULL -> {
          if (nested) {
            // Inside a nested tuple a bare 00 ends the tuple; the caller handles that case.
            if (pos < end && (b[pos] & 0xff) == ESCAPE) {
              pos++;
              return null;
            }
            throw error(start, "null inside nested tuple must be 00 ff");
          }
          return null;
        }
        case BYTES -> {
          return escapedBytes(start);
        }
        case STRING -> {
          return string(start);
        }
        case NESTED -> {
          if (depth + 1 >= MAX_DEPTH) {
            throw error(start, "nested tuples deeper than " + MAX_DEPTH);
          }
          return Tuple.ofTrusted(elements(true, depth + 1, start));
        }
        case POS_BIG -> {
          need(start, 1, "integer length");
          int n = b[pos++] & 0xff;
          return bigMagnitude(start, n, false);
        }
        case NEG_BIG -> {
          need(start, 1, "integer length");
          int n = (b[pos++] & 0xff) ^ 0xff;
          return bigMagnitude(start, n, true);
        }
        case FLOAT -> {
          need(start, 4, "float");
          int bits = 0;
          for (int i = 0; i < 4; i++) {
            bits = (bits << 8) | (b[pos++] & 0xff);
          }
          bits = bits < 0 ? bits ^ Integer.MIN_VALUE : ~bits;
          return Float.intBitsToFloat(bits);
        }
        case DOUBLE -> {
          need(start, 8, "double");
          long bits = readLong(8);
          bits = bits < 0 ? bits ^ Long.MIN_VALUE : ~bits;
          return Double.longBitsToDouble(bits);
        }
        case FALSE -> {
          return Boolean.FALSE;
        }
        case TRUE -> {
          return Boolean.TRUE;
        }
        case UUID_CODE -> {
          need(start, 16, "uuid");
          long hi = readLong(8);
          long lo = readLong(8);
          return new UUID(hi, lo);
        }
        case VERSIONSTAMP -> {
          need(start, Versionstamp.LENGTH, "versionstamp");
          Versionstamp v = Versionstamp.wrap(b, pos);
          pos += Versionstamp.LENGTH;
          return v;
        }
        default -> {
          if (code > NEG_BIG && code < POS_BIG) {
            return fixedInt(start, code - INT_ZERO);
          }
          throw error(start, String.format("unknown type code 0x%02x", code));
        }
      }
    }

    /**
     * A string after its type code. Without escaped NULs the text is decoded in place: ASCII straight
     * into a compact string, anything else validated as strict UTF-8 first.
     */
    private String string(int start) {
      int p = pos;
      boolean ascii = true;
      while (p < end) {
        byte x = b[p];
        if (x == 0) {
          break;
        }
        if (x < 0) {
          ascii = false;
        }
        p++;
      }
      if (p >= end) {
        throw error(start, "unterminated byte or text string");
      }
      if (p + 1 < end && (b[p + 1] & 0xff) == ESCAPE) {
        return utf8(start, escapedBytes(start));
      }
      int from = pos;
      pos = p + 1;
      if (ascii) {
        return new String(b, from, p - from, StandardCharsets.ISO_8859_1);
      }
      int bad = Utf8.firstInvalid(b, from, p);
      if (bad >= 0) {
        throw error(start, "invalid UTF-8 in string at byte " + (bad - from) + " of its content");
      }
      return new String(b, from, p - from, StandardCharsets.UTF_8);
    }

    private long readLong(int n) {
      long v = 0;
      for (int i = 0; i < n; i++) {
        v = (v << 8) | (b[pos++] & 0xff);
      }
      return v;
    }

    private Object fixedInt(int start, int signedLen) {
      if (signedLen == 0) {
        return 0L;
      }
      int n = Math.abs(signedLen);
      need(start, n, "integer");
      int first = b[pos] & 0xff;
      if (signedLen > 0) {
        if (first == 0) {
          throw error(start, "non-canonical integer: leading zero byte");
        }
        long v = readLong(n);
        if (n == 8 && v < 0) {
          return new BigInteger(1, longBytes(v));
        }
        return v;
      }
      if (first == 0xff) {
        throw error(start, "non-canonical integer: leading 0xff byte in negative integer");
      }
      long comp = readLong(n);
      // magnitude = ones' complement of the n bytes
      long mag = n == 8 ? ~comp : (~comp) & ((1L << (8 * n)) - 1);
      if (n == 8 && (mag < 0 && mag != Long.MIN_VALUE)) {
        // magnitude in [2^63 + 1, 2^64 - 1]: does not fit a long
        return new BigInteger(1, longBytes(mag)).negate();
      }
      if (mag == Long.MIN_VALUE) {
        return Long.MIN_VALUE;
      }
      return -mag;
    }

    private static byte[] longBytes(long v) {
      byte[] out = new byte[8];
      for (int i = 0; i < 8; i++) {
        out[i] = (byte) (v >>> (56 - 8 * i));
      }
      return out;
    }

    private Object bigMagnitude(int start, int n, boolean negative) {
      if (n <= 8) {
        throw error(start, "non-canonical integer: " + n + "-byte magnitude in arbitrary-precision form");
      }
      need(start, n, "integer");
      byte[] mag = new byte[n];
      for (int i = 0; i < n; i++) {
        mag[i] = negative ? (byte) ~b[pos + i] : b[pos + i];
      }
      if (mag[0] == 0) {
        throw error(start, "non-canonical integer: leading zero byte");
      }
      pos += n;
      BigInteger v = new BigInteger(1, mag);
      return negative ? v.negate() : v;
    }

    /** Reads an escaped byte string after its type code, through its 00 terminator. */
    private byte[] escapedBytes(int start) {
      int p = pos;
      int zeros = 0;
      while (true) {
        if (p >= end) {
          throw error(start, "unterminated byte or text string");
        }
        if (b[p] == 0) {
          if (p + 1 < end && (b[p + 1] & 0xff) == ESCAPE) {
            zeros++;
            p += 2;
            continue;
          }
          break;
        }
        p++;
      }
      if (zeros == 0) {
        byte[] out = Arrays.copyOfRange(b, pos, p);
        pos = p + 1;
        return out;
      }
      byte[] out = new byte[p - pos - zeros];
      int o = 0;
      for (int i = pos; i < p; i++) {
        out[o++] = b[i];
        if (b[i] == 0) {
          i++;
        }
      }
      pos = p + 1;
      return out;
    }

    private String utf8(int start, byte[] bytes) {
      int bad = Utf8.firstInvalid(bytes);
      if (bad >= 0) {
        throw error(start, "invalid UTF-8 in string at byte " + bad + " of its content");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** Normalizes a user-supplied element to the canonical Java type the codec and equality use. */
  static Object normalize(Object e) {
    if (e instanceof Long) {
      return e;
    }
    return switch (e) {
      case null -> null;
      case Long l -> l;
      case Integer i -> (long) i;
      case Short s -> (long) s;
      case Byte b -> (long) b;
      case BigInteger bi -> {
        if (bi.compareTo(LONG_MIN) >= 0 && bi.compareTo(LONG_MAX) <= 0) {
          yield bi.longValue();
        }
        if (bi.abs().bitLength() > 255 * 8) {
          throw new IllegalArgumentException("integer magnitude exceeds 255 bytes");
        }
        yield bi;
      }
      case byte[] b -> b.clone();
      case String s -> {
        utf8EscapedLength(s); // rejects unpaired surrogates now rather than at pack time
        yield s;
      }
      case Tuple t -> t;
      case java.util.List<?> l -> Tuple.fromList(l);
      case Float f -> f;
      case Double d -> d;
      case Boolean b -> b;
      case UUID u -> u;
      case Versionstamp v -> v;
      default -> throw new IllegalArgumentException("unsupported tuple element type " + e.getClass().getName());
    };
  }

  static boolean isUnsigned64(BigInteger v) {
    return v.signum() >= 0 && v.compareTo(U64_MAX) <= 0;
  }
}
