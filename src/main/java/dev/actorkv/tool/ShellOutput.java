package dev.actorkv.tool;

import dev.actorkv.sqlite.SqlScript;
import dev.actorkv.sqlite.SqlType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How {@code keyspace sql} prints result rows: the sqlite3 shell's output modes ({@code shell_callback}
 * of sqlite3 3.40), byte for byte. Values are printed as the shell prints them: the text SQLite renders
 * for a column ({@code sqlite3_column_text}, a REAL as {@code %!.15g}) up to its first NUL byte, BLOBs as
 * their raw bytes; JSON writes a REAL with SQLite's {@code %!.20g} and a BLOB's every byte as a string.
 */
final class ShellOutput {
  /** The output modes this shell has. */
  enum Mode {
    LIST("list"),
    CSV("csv"),
    JSON("json"),
    LINE("line");

    final String description;

    Mode(String description) {
      this.description = description;
    }
  }

  static final byte[] SEP_COLUMN = bytes("|");
  static final byte[] SEP_ROW = bytes("\n");
  static final byte[] SEP_COMMA = bytes(",");
  static final byte[] SEP_CRLF = bytes("\r\n");
  static final byte[] SEP_TAB = bytes("\t");

  /** Which bytes force a CSV field into quotes (the shell's {@code needCsvQuote}). */
  private static final boolean[] NEEDS_CSV_QUOTE = new boolean[256];

  static {
    for (int c = 0; c < 256; c++) {
      NEEDS_CSV_QUOTE[c] = c < 0x20 || c == ' ' || c == '"' || c == '\'' || c >= 0x7f;
    }
  }

  Mode mode = Mode.LIST;
  boolean showHeader;
  byte[] colSeparator = SEP_COLUMN;
  byte[] rowSeparator = SEP_ROW;
  byte[] nullValue = new byte[0];

  private final OutputStream out;
  /** Rows printed by the current statement (the shell's {@code cnt}). */
  private int count;

  ShellOutput(OutputStream out) {
    this.out = out;
  }

  OutputStream stream() {
    return out;
  }

  /** A new statement starts: its first row prints the header. */
  void startStatement() {
    count = 0;
  }

  /** The statement produced no more rows; JSON closes its array when it printed any. */
  void endStatement() throws IOException {
    if (mode == Mode.JSON && count > 0) {
      out.write(bytes("]\n"));
    }
  }

  /** Prints the current row of {@code s}. */
  void row(SqlScript s) throws IOException {
    int n = s.columnCount();
    byte[][] names = new byte[n][];
    byte[][] values = new byte[n][];
    SqlType[] types = new SqlType[n];
    for (int i = 0; i < n; i++) {
      names[i] = cString(s.columnName(i));
      types[i] = s.type(i);
      // As the shell: the type first, then the text (which converts the value in place).
      values[i] = types[i] == SqlType.NULL ? null : cString(s.text(i));
    }
    switch (mode) {
      case LIST -> list(names, values);
      case CSV -> csv(names, values);
      case LINE -> line(names, values);
      case JSON -> json(s, names, values, types);
    }
  }

  private void list(byte[][] names, byte[][] values) throws IOException {
    int n = names.length;
    if (count++ == 0 && showHeader) {
      for (int i = 0; i < n; i++) {
        out.write(names[i]);
        out.write(i == n - 1 ? rowSeparator : colSeparator);
      }
    }
    for (int i = 0; i < n; i++) {
      out.write(values[i] == null ? nullValue : values[i]);
      out.write(i < n - 1 ? colSeparator : rowSeparator);
    }
  }

  private void csv(byte[][] names, byte[][] values) throws IOException {
    int n = names.length;
    if (count++ == 0 && showHeader) {
      for (int i = 0; i < n; i++) {
        csvField(names[i], i < n - 1);
      }
      out.write(rowSeparator);
    }
    if (n > 0) {
      for (int i = 0; i < n; i++) {
        csvField(values[i], i < n - 1);
      }
      out.write(rowSeparator);
    }
  }

  private void csvField(byte[] z, boolean separator) throws IOException {
    if (z == null) {
      out.write(nullValue);
    } else {
      boolean quote = z.length == 0 || contains(z, colSeparator);
      for (int i = 0; i < z.length && !quote; i++) {
        quote = NEEDS_CSV_QUOTE[z[i] & 0xff];
      }
      if (quote) {
        out.write('"');
        for (byte b : z) {
          if (b == '"') {
            out.write('"');
          }
          out.write(b);
        }
        out.write('"');
      } else {
        out.write(z);
      }
    }
    if (separator) {
      out.write(colSeparator);
    }
  }

  private void line(byte[][] names, byte[][] values) throws IOException {
    int w = 5;
    for (byte[] name : names) {
      w = Math.max(w, name.length);
    }
    if (count++ > 0) {
      out.write(rowSeparator);
    }
    for (int i = 0; i < names.length; i++) {
      for (int pad = names[i].length; pad < w; pad++) {
        out.write(' ');
      }
      out.write(names[i]);
      out.write(SPACE_EQUALS_SPACE);
      out.write(values[i] == null ? nullValue : values[i]);
      out.write(rowSeparator);
    }
  }

  private static final byte[] SPACE_EQUALS_SPACE = bytes(" = ");

  private void json(SqlScript s, byte[][] names, byte[][] values, SqlType[] types) throws IOException {
    out.write(count++ == 0 ? bytes("[{") : bytes(",\n{"));
    int n = names.length;
    for (int i = 0; i < n; i++) {
      jsonString(names[i], names[i].length);
      out.write(':');
      if (values[i] == null || types[i] == SqlType.NULL) {
        out.write(bytes("null"));
      } else if (types[i] == SqlType.FLOAT) {
        double r = s.real(i);
        if (r == Double.POSITIVE_INFINITY) {
          out.write(bytes("1e999"));
        } else if (r == Double.NEGATIVE_INFINITY) {
          out.write(bytes("-1e999"));
        } else {
          out.write(SqlScript.formatDouble("%!.20g", r));
        }
      } else if (types[i] == SqlType.BLOB) {
        byte[] blob = s.blob(i);
        jsonString(blob, blob.length);
      } else if (types[i] == SqlType.TEXT) {
        jsonString(values[i], values[i].length);
      } else {
        out.write(values[i]);
      }
      if (i < n - 1) {
        out.write(',');
      }
    }
    out.write('}');
  }

  /** The shell's {@code output_json_string}: bytes >= 0x20 as they are, so invalid UTF-8 stays invalid. */
  private void jsonString(byte[] z, int n) throws IOException {
    out.write('"');
    for (int i = 0; i < n; i++) {
      int c = z[i] & 0xff;
      if (c == '\\' || c == '"') {
        out.write('\\');
        out.write(c);
      } else if (c <= 0x1f) {
        out.write('\\');
        switch (c) {
          case '\b' -> out.write('b');
          case '\f' -> out.write('f');
          case '\n' -> out.write('n');
          case '\r' -> out.write('r');
          case '\t' -> out.write('t');
          default -> out.write(bytes(String.format("u%04x", c)));
        }
      } else {
        out.write(c);
      }
    }
    out.write('"');
  }

  /** The bytes before the first NUL: C strings end there, and the shell prints C strings. */
  static byte[] cString(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return java.util.Arrays.copyOf(b, i);
      }
    }
    return b;
  }

  static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
