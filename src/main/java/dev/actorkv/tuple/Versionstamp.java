package dev.actorkv.tuple;

import com.google.common.io.BaseEncoding;
import java.util.Arrays;

/**
 * A 12-byte FoundationDB versionstamp: 10 bytes of transaction version followed by a 2-byte user
 * version. Held as raw bytes because the tuple layer orders versionstamps bytewise.
 */
public final class Versionstamp implements Comparable<Versionstamp> {
  public static final int LENGTH = 12;
  private final byte[] bytes;

  private Versionstamp(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Wraps a copy of exactly 12 bytes. */
  public static Versionstamp fromBytes(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("versionstamp must be 12 bytes, got " + bytes.length);
    }
    return new Versionstamp(bytes.clone());
  }

  static Versionstamp wrap(byte[] src, int offset) {
    return new Versionstamp(Arrays.copyOfRange(src, offset, offset + LENGTH));
  }

  public byte[] toBytes() {
    return bytes.clone();
  }

  void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, LENGTH);
  }

  /** The 2-byte user version, big-endian. */
  public int userVersion() {
    return ((bytes[10] & 0xff) << 8) | (bytes[11] & 0xff);
  }

  @Override
  public int compareTo(Versionstamp o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Versionstamp v && Arrays.equals(bytes, v.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Lowercase hex of the 12 bytes. */
  @Override
  public String toString() {
    return BaseEncoding.base16().lowerCase().encode(bytes);
  }
}
