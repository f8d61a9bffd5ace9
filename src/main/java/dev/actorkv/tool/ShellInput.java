package dev.actorkv.tool;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Where {@code keyspace sql} reads its input lines from. */
interface ShellInput extends AutoCloseable {
  /**
   * The next line without its line end ({@code \n} or {@code \r\n}), or null at the end of the input.
   * {@code continuation} says a statement is still open (a terminal prompts differently).
   */
  byte[] readLine(boolean continuation) throws IOException;

  /** Whether a person types this input (errors then name no line numbers, as in the sqlite3 shell). */
  boolean interactive();

  @Override
  default void close() throws IOException {}

  /**
   * Lines of a stream (a pipe or file). {@code beforeBlocking} runs whenever the next read may wait for
   * more input, so the output of everything read so far reaches the reader of a long-lived pipe before
   * the shell waits, while a script that is all there prints in large writes.
   */
  final class Stream implements ShellInput {
    private final InputStream in;
    private final IoAction beforeBlocking;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int end;
    private boolean eof;

    /** An action that may fail with an I/O error (flushing the output). */
    @FunctionalInterface
    interface IoAction {
      void run() throws IOException;
    }

    Stream(InputStream in, IoAction beforeBlocking) {
      this.in = in;
      this.beforeBlocking = beforeBlocking;
    }

    @Override
    public byte[] readLine(boolean continuation) throws IOException {
      byte[] line = null;
      int len = 0;
      while (true) {
        if (pos == end) {
          if (eof || !fill()) {
            if (line == null) {
              return null;
            }
            return Arrays.copyOf(line, len);
          }
        }
        int nl = -1;
        for (int i = pos; i < end; i++) {
          if (buf[i] == '\n') {
            nl = i;
            break;
          }
        }
        int stop = nl < 0 ? end : nl;
        int n = stop - pos;
        if (line == null) {
          line = new byte[Math.max(n, 16)];
        } else if (len + n > line.length) {
          line = Arrays.copyOf(line, Math.max(len + n, line.length * 2));
        }
        System.arraycopy(buf, pos, line, len, n);
        len += n;
        pos = stop;
        if (nl >= 0) {
          pos++;
          if (len > 0 && line[len - 1] == '\r') {
            len--;
          }
          return Arrays.copyOf(line, len);
        }
      }
    }

    private boolean fill() throws IOException {
      if (in.available() <= 0) {
        beforeBlocking.run();
      }
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        eof = true;
        return false;
      }
      pos = 0;
      end = n;
      return true;
    }

    @Override
    public boolean interactive() {
      return false;
    }
  }
}
