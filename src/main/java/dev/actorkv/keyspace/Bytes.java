package dev.actorkv.keyspace;

import com.google.common.io.BaseEncoding;

/** Small byte helpers shared by the key builders and decoders. */
final class Bytes {
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  private Bytes() {}

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  static byte[] withU64(byte[] prefix, long v) {
    byte[] out = new byte[prefix.length + 8];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    for (int i = 0; i < 8; i++) {
      out[prefix.length + i] = (byte) (v >>> (56 - 8 * i));
    }
    return out;
  }

  static byte[] withU32(byte[] prefix, long v) {
    byte[] out = new byte[prefix.length + 4];
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    for (int i = 0; i < 4; i++) {
      out[prefix.length + i] = (byte) (v >>> (24 - 8 * i));
    }
    return out;
  }

  static long readU64(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  static long readU32(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    if (key.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (key[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  static String hex(byte[] b) {
    return HEX.encode(b);
  }
}
