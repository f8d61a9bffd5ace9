package dev.actorkv.tool;

import com.google.common.io.BaseEncoding;

/** Hex text as the tool reads and writes it: written lowercase, read in either case, nothing else. */
final class Hex {
  private static final BaseEncoding LOWER = BaseEncoding.base16().lowerCase();

  private Hex() {}

  static String encode(byte[] b) {
    return LOWER.encode(b);
  }

  /** Decodes hex digits (either case); odd length or any other character is a {@link TupleNotationException}. */
  static byte[] decode(String text, String what) {
    if (text.length() % 2 != 0) {
      throw new TupleNotationException(what + " is not valid hex: odd number of digits (" + text.length() + ")");
    }
    byte[] out = new byte[text.length() / 2];
    for (int i = 0; i < out.length; i++) {
      int hi = Character.digit(text.charAt(2 * i), 16);
      int lo = Character.digit(text.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0 || text.charAt(2 * i) > 'f' || text.charAt(2 * i + 1) > 'f') {
        int bad = hi < 0 || text.charAt(2 * i) > 'f' ? 2 * i : 2 * i + 1;
        throw new TupleNotationException(
            what + " is not valid hex: character '" + text.charAt(bad) + "' at position " + bad);
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }
}
