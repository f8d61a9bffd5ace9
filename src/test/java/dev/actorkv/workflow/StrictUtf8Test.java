package dev.actorkv.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The ASCII shortcut against the strict JDK decoder it skips: same string, or both reject. */
class StrictUtf8Test {
  @Property(tries = 3000)
  void decodesAsTheStrictJdkDecoder(@ForAll("bytes") byte[] bytes) {
    assertEquals(reference(bytes), outcome(bytes));
  }

  @Provide
  Arbitrary<byte[]> bytes() {
    return Arbitraries.oneOf(
        Arbitraries.bytes().array(byte[].class).ofMaxSize(12),
        Arbitraries.bytes().between((byte) 0, (byte) 127).array(byte[].class).ofMaxSize(40),
        Arbitraries.strings().ofMaxLength(12).map(s -> s.getBytes(StandardCharsets.UTF_8)));
  }

  private static String outcome(byte[] bytes) {
    try {
      return "ok:" + StrictUtf8.decode(bytes);
    } catch (CharacterCodingException e) {
      return "rejected";
    }
  }

  private static String reference(byte[] bytes) {
    try {
      return "ok:" + StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return "rejected";
    }
  }
}
