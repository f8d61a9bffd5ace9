package dev.actorkv.keyspace;

import com.google.common.io.BaseEncoding;
import java.util.Arrays;
import java.util.Objects;

/**
 * A half-open range of logical keys {@code [begin, end)} in unsigned byte order. An empty {@code end}
 * array means "to the end of the keyspace".
 */
public record KeyRange(byte[] begin, byte[] end) {
  private static final byte[] NONE = new byte[0];

  public KeyRange {
    Objects.requireNonNull(begin, "begin");
    Objects.requireNonNull(end, "end");
    begin = begin.clone();
    end = end.clone();
    if (end.length > 0 && Arrays.compareUnsigned(begin, end) > 0) {
      throw new IllegalArgumentException("range begin is after end");
    }
  }

  /** Every key starting with {@code prefix}. */
  public static KeyRange prefix(byte[] prefix) {
    return new KeyRange(prefix, strinc(prefix));
  }

  /** Every key of the keyspace. */
  public static KeyRange all() {
    return new KeyRange(NONE, NONE);
  }

  public static KeyRange of(byte[] beginInclusive, byte[] endExclusive) {
    return new KeyRange(beginInclusive, endExclusive);
  }

  public boolean unboundedEnd() {
    return end.length == 0;
  }

  public boolean contains(byte[] key) {
    return Arrays.compareUnsigned(key, begin) >= 0 && (end.length == 0 || Arrays.compareUnsigned(key, end) < 0);
  }

  @Override
  public byte[] begin() {
    return begin.clone();
  }

  @Override
  public byte[] end() {
    return end.clone();
  }

  /**
   * The smallest key after {@code key} in unsigned byte order: {@code key} with a 0x00 byte appended. A
   * paged scan resumes from it after the last key of a page.
   */
  public static byte[] keyAfter(byte[] key) {
    return Arrays.copyOf(key, key.length + 1);
  }

  /**
   * The first key after every key that starts with {@code prefix}: the prefix with trailing 0xFF bytes
   * dropped and its last byte incremented; empty when the prefix is all 0xFF (no upper bound).
   */
  public static byte[] strinc(byte[] prefix) {
    int n = prefix.length;
    while (n > 0 && prefix[n - 1] == (byte) 0xff) {
      n--;
    }
    if (n == 0) {
      return NONE;
    }
    byte[] out = Arrays.copyOf(prefix, n);
    out[n - 1]++;
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyRange r && Arrays.equals(begin, r.begin) && Arrays.equals(end, r.end);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(begin) + Arrays.hashCode(end);
  }

  @Override
  public String toString() {
    BaseEncoding hex = BaseEncoding.base16().lowerCase();
    return "[" + hex.encode(begin) + ", " + (end.length == 0 ? "end" : hex.encode(end)) + ")";
  }
}
