package dev.actorkv.tool;

/**
 * The sqlite3 shell's quick scan of input lines (its {@code quickscan()}): whether the text so far is
 * inside a string, quoted name or comment, holds anything but whitespace and comments, and ends with a
 * semicolon. The shell only asks SQLite whether a statement is complete when the scan says it ends with
 * a semicolon outside any quote, and swallows lines that are only whitespace or comments.
 *
 * <p>A state is an int: the low byte is the character that ends the open quote or comment (0 when none,
 * {@code '*'} in a block comment), then {@link #HAS_DARK} and {@link #ENDING_SEMI}.
 */
final class QuickScan {
  static final int START = 0;
  static final int HAS_DARK = 1 << 8;
  static final int ENDING_SEMI = 2 << 8;
  private static final int CHAR_MASK = 0xff;
  private static final int SCAN_MASK = 3 << 8;

  private QuickScan() {}

  /** Not inside a quote or comment. */
  static boolean inPlain(int qss) {
    return (qss & CHAR_MASK) == START;
  }

  /** Only whitespace and comments so far (possibly with semicolons). */
  static boolean plainWhite(int qss) {
    return (qss & ~ENDING_SEMI) == START;
  }

  /** Ends with a semicolon outside any quote or comment. */
  static boolean semiTerminated(int qss) {
    return (qss & ~HAS_DARK) == ENDING_SEMI;
  }

  /** The state after {@code line} (bytes up to the end or the first NUL), starting from {@code qss}. */
  static int scan(byte[] line, int qss) {
    int i = 0;
    int n = line.length;
    int wait = qss & CHAR_MASK;
    while (true) {
      if (wait == 0) {
        // plain text
        boolean toTerm = false;
        while (i < n && line[i] != 0) {
          int c = line[i++] & 0xff;
          if (isSpace(c)) {
            continue;
          }
          if (c == '-' && i < n && line[i] == '-') {
            // a line comment: to the end of the line (or an embedded newline)
            i++;
            while (i < n && line[i] != 0) {
              if (line[i++] == '\n') {
                break;
              }
            }
            if (i >= n || line[i - 1] != '\n') {
              return qss;
            }
            continue;
          } else if (c == ';') {
            qss |= ENDING_SEMI;
            continue;
          } else if (c == '/' && i < n && line[i] == '*') {
            i++;
            wait = '*';
            qss = wait | (qss & SCAN_MASK);
            toTerm = true;
            break;
          } else if (c == '[' || c == '`' || c == '\'' || c == '"') {
            wait = c == '[' ? ']' : c;
            qss = HAS_DARK | wait;
            toTerm = true;
            break;
          }
          qss = (qss & ~ENDING_SEMI) | HAS_DARK;
        }
        if (!toTerm) {
          return qss;
        }
      } else {
        // inside a quote or block comment, waiting for `wait`
        boolean toPlain = false;
        while (i < n && line[i] != 0) {
          int c = line[i++] & 0xff;
          if (c != wait) {
            continue;
          }
          if (wait == '*') {
            if (i >= n || line[i] != '/') {
              continue;
            }
            i++;
          } else if (wait != ']' && i < n && (line[i] & 0xff) == c) {
            i++; // a doubled quote stays inside
            continue;
          }
          wait = 0;
          qss = qss & SCAN_MASK;
          toPlain = true;
          break;
        }
        if (!toPlain) {
          return qss;
        }
      }
    }
  }

  /** C's isspace in the C locale. */
  static boolean isSpace(int c) {
    return c == ' ' || (c >= '\t' && c <= '\r');
  }
}
