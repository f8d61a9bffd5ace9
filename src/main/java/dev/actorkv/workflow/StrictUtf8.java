package dev.actorkv.workflow;

import dev.actorkv.tuple.Utf8;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that rejects malformed input instead of replacing it, with the project's one strict
 * validator ({@link Utf8}, RFC 3629) rather than a {@code CharsetDecoder} per value: names and string
 * values are decoded on every load and replay.
 */
final class StrictUtf8 {
  private StrictUtf8() {}

  static String decode(byte[] bytes) throws CharacterCodingException {
    int bad = Utf8.firstInvalid(bytes);
    if (bad >= 0) {
      throw new MalformedInputException(bytes.length - bad);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
