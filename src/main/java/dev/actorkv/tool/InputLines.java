package dev.actorkv.tool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Lines of an input stream, each decoded as strict UTF-8 ({@link Utf8}) and bounded in length before it
 * is held: a line longer than the bound is skipped without being stored (so a multi-gigabyte line costs
 * no memory), and reported. A line ends at '\n'; a '\r' before it is dropped.
 */
final class InputLines {
  /** One line of input: its text, or why it could not be read. */
  sealed interface Line {
    long number();
  }

  record Text(long number, String text) implements Line {}

  record Bad(long number, String problem) implements Line {}

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private boolean eof;
  private byte[] line = new byte[256];
  private long number;

  /**
   * Whether an over-long line is read to its end (to report its length and go on after it) or reported
   * as soon as it passes the bound: a reader that stops at the first bad line must not wait for the end
   * of a line that may never come ({@code --in /dev/zero}).
   */
  private final boolean readOverlongLines;

  /** Lines of {@code in}; an over-long line is read to its end and the next one follows. */
  InputLines(InputStream in, int maxLineBytes) {
    this(in, maxLineBytes, true);
  }

  private InputLines(InputStream in, int maxLineBytes, boolean readOverlongLines) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.readOverlongLines = readOverlongLines;
  }

  /** Lines of {@code in} for a reader that stops at the first bad one: an over-long line is reported at the bound. */
  static InputLines stoppingAtTheFirstBadLine(InputStream in, int maxLineBytes) {
    return new InputLines(in, maxLineBytes, false);
  }

  /** The next line, or null at the end of input. */
  Line next() throws IOException {
    int len = 0;
    long length = 0; // of the whole line, also past the bound
    boolean any = false;
    while (true) {
      if (pos == limit && !fill()) {
        if (!any) {
          return null;
        }
        break;
      }
      any = true;
      int start = pos;
      int nl = -1;
      for (int i = pos; i < limit; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? limit : nl;
      int n = end - start;
      length += n;
      if (length <= maxLineBytes) {
        if (len + n > line.length) {
          line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, len + n), maxLineBytes));
        }
        System.arraycopy(buf, start, line, len, n);
        len += n;
      }
      pos = nl < 0 ? limit : nl + 1;
      if (nl >= 0) {
        break;
      }
      if (!readOverlongLines && length > maxLineBytes) {
        number++;
        return new Bad(number, "line is longer than " + maxLineBytes + " bytes");
      }
    }
    number++;
    if (length > maxLineBytes) {
      return new Bad(number, "line is longer than " + maxLineBytes + " bytes" + (readOverlongLines ? " (" + length + ")" : ""));
    }
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    try {
      return new Text(number, Utf8.decode(line, 0, len));
    } catch (Utf8.InvalidException e) {
      return new Bad(number, e.getMessage());
    }
  }

  /** True when more input can be read without blocking (so batch output need not be flushed yet). */
  boolean ready() throws IOException {
    return pos < limit || (!eof && in.available() > 0);
  }

  private boolean fill() throws IOException {
    if (eof) {
      return false;
    }
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      eof = n < 0;
      if (n == 0) {
        return fill();
      }
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }
}
