package dev.actorkv.tool;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding for everything the tool reads. Java's usual decoding replaces invalid bytes with
 * U+FFFD, so {@code --actor $'\xff'} and {@code --actor $'\xfe'} would name the same actor, and a tuple
 * would pack text its bytes never held; here invalid UTF-8 (stray continuation bytes, truncated or
 * overlong sequences, encoded surrogates, code points above U+10FFFF) is an error naming the offset.
 */
final class Utf8 {
  private Utf8() {}

  /** Invalid UTF-8; the message says where ("byte 0xff at offset 3 is not valid UTF-8"). */
  static final class InvalidException extends dev.actorkv.ActorKvException {
    InvalidException(String message) {
      super(message);
    }
  }

  static String decode(byte[] bytes) {
    return decode(bytes, 0, bytes.length);
  }

  static String decode(byte[] bytes, int offset, int length) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer out = CharBuffer.allocate(length);
    CoderResult r = decoder.decode(in, out, true);
    if (r.isUnderflow()) {
      r = decoder.flush(out);
    }
    if (r.isError()) {
      int at = in.position() - offset;
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.length(); i++) {
        b.append(i == 0 ? "" : " ").append(String.format("0x%02x", bytes[in.position() + i] & 0xff));
      }
      throw new InvalidException((r.length() == 1 ? "byte " : "bytes ") + b + " at offset " + at + " "
          + (r.length() == 1 ? "is" : "are") + " not valid UTF-8");
    }
    out.flip();
    return out.toString();
  }
}
