package dev.actorkv.tuple;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of single elements that no canonical encoder writes; each must be rejected wherever it sits. */
final class NonCanonical {
  private NonCanonical() {}

  private static Arbitrary<byte[]> magnitude(int minLen, int maxLen) {
    return Arbitraries.integers().between(minLen, maxLen)
        .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n))
        .map(m -> {
          if (m.length > 0 && m[0] == 0) {
            m[0] = 1;
          }
          return m;
        });
  }

  /** A fixed-width integer (1 to 8 bytes) with one extra leading 00 (positive) or ff (negative) byte. */
  static Arbitrary<byte[]> intWithLeadingZero() {
    return Combinators.combine(magnitude(0, 7), Arbitraries.of(true, false)).as((mag, negative) -> {
      int n = mag.length + 1;
      byte[] out = new byte[1 + n];
      out[0] = (byte) (negative ? 0x14 - n : 0x14 + n);
      out[1] = negative ? (byte) 0xff : 0;
      for (int i = 0; i < mag.length; i++) {
        out[2 + i] = negative ? (byte) ~mag[i] : mag[i];
      }
      return out;
    });
  }

  /** A magnitude of 0 to 8 bytes written in the arbitrary-precision form (1d / 0b with a length byte). */
  static Arbitrary<byte[]> bigFormForSmallMagnitude() {
    return Combinators.combine(magnitude(0, 8), Arbitraries.of(true, false)).as((mag, negative) -> big(mag, negative));
  }

  /** An arbitrary-precision integer (9+ bytes) whose magnitude starts with a zero byte. */
  static Arbitrary<byte[]> bigFormWithLeadingZero() {
    return Combinators.combine(magnitude(8, 40), Arbitraries.of(true, false)).as((mag, negative) -> {
      byte[] padded = new byte[mag.length + 1];
      System.arraycopy(mag, 0, padded, 1, mag.length);
      return big(padded, negative);
    });
  }

  /** An arbitrary-precision integer whose length byte claims more bytes than the input holds. */
  static Arbitrary<byte[]> bigFormShorterThanClaimed() {
    return Combinators.combine(magnitude(9, 40), Arbitraries.integers().between(1, 200), Arbitraries.of(true, false))
        .as((mag, missing, negative) -> {
          int claimed = Math.min(255, mag.length + missing);
          byte[] b = big(mag, negative);
          b[1] = (byte) (negative ? claimed ^ 0xff : claimed);
          return b;
        })
        // Only meaningful at the end of the input: put it there by making it the only element after the
        // prefix; any suffix would supply the missing bytes, so the claimed length exceeds any suffix.
        .map(b -> b);
  }

  private static byte[] big(byte[] mag, boolean negative) {
    byte[] out = new byte[2 + mag.length];
    out[0] = (byte) (negative ? 0x0b : 0x1d);
    out[1] = (byte) (negative ? mag.length ^ 0xff : mag.length);
    for (int i = 0; i < mag.length; i++) {
      out[2 + i] = negative ? (byte) ~mag[i] : mag[i];
    }
    return out;
  }

  /** A terminated string whose content holds one invalid UTF-8 sequence between valid text. */
  static Arbitrary<byte[]> invalidUtf8String() {
    Arbitrary<byte[]> invalid = Arbitraries.oneOf(
        Arbitraries.integers().between(0x80, 0xbf).map(c -> new byte[] {(byte) (int) c}), // lone continuation
        Arbitraries.integers().between(0xf5, 0xff).map(c -> new byte[] {(byte) (int) c, (byte) 0x80, (byte) 0x80, (byte) 0x80}),
        Arbitraries.integers().between(0x00, 0x7f).map(c -> new byte[] {(byte) 0xc0, (byte) (0x80 | (c & 0x3f))}), // overlong 2-byte
        Arbitraries.integers().between(0x00, 0x3f).map(c -> new byte[] {(byte) 0xc1, (byte) (0x80 | c)}),
        Arbitraries.integers().between(0x80, 0x9f).map(c -> new byte[] {(byte) 0xe0, (byte) (int) c, (byte) 0x80}), // overlong 3-byte
        Arbitraries.integers().between(0x80, 0x8f).map(c -> new byte[] {(byte) 0xf0, (byte) (int) c, (byte) 0x80, (byte) 0x80}), // overlong 4-byte
        Arbitraries.integers().between(0xa0, 0xbf).map(c -> new byte[] {(byte) 0xed, (byte) (int) c, (byte) 0x80}), // surrogates
        Arbitraries.integers().between(0x90, 0xbf).map(c -> new byte[] {(byte) 0xf4, (byte) (int) c, (byte) 0x80, (byte) 0x80}), // > U+10FFFF
        Arbitraries.of(new byte[] {(byte) 0xe4, (byte) 0xb8}, new byte[] {(byte) 0xf0, (byte) 0x9f, (byte) 0x98},
            new byte[] {(byte) 0xc3}), // truncated sequences
        Arbitraries.of(new byte[] {(byte) 0xc3, 0x41}, new byte[] {(byte) 0xe4, 0x41, (byte) 0x80})); // bad continuation
    return Combinators.combine(TupleArbitraries.strings(), invalid, TupleArbitraries.strings()).as((a, bad, b) -> {
      byte[] pa = Tuple.of(a).pack();
      byte[] pb = Tuple.of(b).pack();
      // string a's content (escaped), the bad bytes, string b's content, terminator
      byte[] out = new byte[1 + (pa.length - 2) + bad.length + (pb.length - 2) + 1];
      int p = 0;
      out[p++] = 0x02;
      System.arraycopy(pa, 1, out, p, pa.length - 2);
      p += pa.length - 2;
      System.arraycopy(bad, 0, out, p, bad.length);
      p += bad.length;
      System.arraycopy(pb, 1, out, p, pb.length - 2);
      p += pb.length - 2;
      out[p] = 0;
      return out;
    });
  }

  /** A type code the format does not define. */
  static Arbitrary<byte[]> unknownTypeCode() {
    return Arbitraries.integers().between(0, 254) // ff after a string terminator is an escape, tested by example
        .filter(c -> !(c <= 0x02 || c == 0x05 || (c >= 0x0b && c <= 0x1d) || c == 0x20 || c == 0x21 || c == 0x26
            || c == 0x27 || c == 0x30 || c == 0x33))
        .map(c -> new byte[] {(byte) (int) c});
  }

  /** A fixed-width element cut short, at the end of the input. */
  static Arbitrary<byte[]> truncatedFixedWidth() {
    return Arbitraries.of(0x20, 0x21, 0x30, 0x33, 0x0c, 0x13, 0x15, 0x1c, 0x1d, 0x0b).flatMap(code -> {
      int width = switch (code) {
        case 0x20 -> 4;
        case 0x21 -> 8;
        case 0x30 -> 16;
        case 0x33 -> 12;
        case 0x1d, 0x0b -> 1;
        default -> Math.abs(code - 0x14);
      };
      return Arbitraries.integers().between(0, width - 1).map(n -> {
        byte[] b = new byte[1 + n];
        b[0] = (byte) (int) code;
        for (int i = 1; i <= n; i++) {
          b[i] = (byte) 0x80;
        }
        return b;
      });
    });
  }
}
