package dev.actorkv.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The tool's one JSON mapper (Jackson): big integers kept exact, output on one line. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("value is not JSON-serializable: " + e.getMessage(), e);
    }
  }

  /**
   * What is wrong with JSON text, for a user: Jackson's message without the parts that name its own
   * classes ({@code [Source: REDACTED (`StreamReadFeature...` disabled); line: 1, column: 5]} becomes
   * {@code [line: 1, column: 5]}, {@code (1000, from `StreamReadConstraints...`)} becomes {@code (1000)}).
   */
  static String problem(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "malformed" : e.getOriginalMessage();
    m = JACKSON_SOURCE.matcher(m).replaceAll("[");
    return JACKSON_ORIGIN.matcher(m).replaceAll("");
  }

  private static final java.util.regex.Pattern JACKSON_SOURCE = java.util.regex.Pattern.compile("\\[Source: [^;\\]]*; ");
  private static final java.util.regex.Pattern JACKSON_ORIGIN = java.util.regex.Pattern.compile(", from `[^`]*`");

  static String quote(String s) {
    return write(s);
  }
}
