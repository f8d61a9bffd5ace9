package dev.actorkv.workflow;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 decoding that rejects malformed input instead of replacing it. Names and string values are
 * nearly always ASCII, which decodes to the same characters byte for byte, so ASCII input skips
 * creating a {@code CharsetDecoder}.
 */
final class StrictUtf8 {
  private StrictUtf8() {}

  static String decode(byte[] bytes) throws CharacterCodingException {
    for (byte b : bytes) {
      if (b < 0) {
        return StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(bytes))
            .toString();
      }
    }
    return new String(bytes, StandardCharsets.US_ASCII);
  }
}
