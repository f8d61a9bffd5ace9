package dev.actorkv.tool;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command-line arguments as the bytes the user gave. The JVM decodes argv with the platform charset
 * and replaces what does not decode (U+FFFD, or '?'), so two different byte strings can reach the tool as
 * the same argument; on Linux the raw bytes are in {@code /proc/self/cmdline}, and the JVM's arguments are
 * its last entries. Each is decoded here as strict UTF-8: an argument that is not valid UTF-8 is refused
 * (exit 2, naming it), and a valid one is used as decoded, which is right even under a non-UTF-8 locale.
 * Where the raw bytes cannot be read or do not line up with what the JVM decoded (another OS, an
 * {@code @argfile} launch), the JVM's arguments are used as they are.
 */
final class Arguments {
  private static final Path CMDLINE = Path.of("/proc/self/cmdline");

  private Arguments() {}

  /** {@code jvmArgs} checked against this process's raw command line. */
  static String[] of(String[] jvmArgs) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(CMDLINE);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return jvmArgs;
    }
    return check(jvmArgs, split(raw), platformCharset());
  }

  /**
   * The arguments decoded from the last {@code jvmArgs.length} entries of {@code commandLine}, or {@code
   * jvmArgs} when those entries do not decode (with the JVM's lossy {@code platform} decoding) to them.
   *
   * @throws Errors.UserError (exit 2) naming the first argument that is not valid UTF-8
   */
  static String[] check(String[] jvmArgs, List<byte[]> commandLine, Charset platform) {
    if (commandLine.size() < jvmArgs.length) {
      return jvmArgs;
    }
    List<byte[]> tail = commandLine.subList(commandLine.size() - jvmArgs.length, commandLine.size());
    for (int i = 0; i < jvmArgs.length; i++) {
      if (!sameArgument(tail.get(i), jvmArgs[i], platform)) {
        return jvmArgs;
      }
    }
    String[] out = new String[jvmArgs.length];
    for (int i = 0; i < jvmArgs.length; i++) {
      try {
        out[i] = Utf8.decode(tail.get(i));
      } catch (Utf8.InvalidException e) {
        throw new Errors.UserError("argument " + (i + 1) + " (" + Json.quote(abbreviated(jvmArgs[i])) + "): "
            + e.getMessage());
      }
    }
    return out;
  }

  /**
   * Whether the JVM's {@code decoded} argument came from {@code raw}. With a UTF-8 platform charset the
   * JVM's decoding is reproduced exactly; with another, only the ASCII characters are compared, since
   * each JVM release and charset replaces the other bytes its own way.
   */
  private static boolean sameArgument(byte[] raw, String decoded, Charset platform) {
    if (platform.equals(StandardCharsets.UTF_8)) {
      return new String(raw, StandardCharsets.UTF_8).equals(decoded);
    }
    StringBuilder ascii = new StringBuilder();
    for (byte b : raw) {
      if (b >= 0 && b != '?') {
        ascii.append((char) b);
      }
    }
    return ascii.toString().equals(decoded.replaceAll("[^\\x00-\\x7e]|\\?", ""));
  }

  static List<byte[]> split(byte[] raw) {
    List<byte[]> parts = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == 0) {
        parts.add(Arrays.copyOfRange(raw, start, i));
        start = i + 1;
      }
    }
    if (start < raw.length) {
      parts.add(Arrays.copyOfRange(raw, start, raw.length));
    }
    return parts;
  }

  private static Charset platformCharset() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
    } catch (RuntimeException e) {
      return StandardCharsets.UTF_8;
    }
  }

  private static String abbreviated(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
