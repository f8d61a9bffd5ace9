package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * SQL text run one statement at a time, the way the sqlite3 shell runs its input: prepare the statement
 * at a byte offset, step it reading each row's columns as SQLite holds them (types, text, BLOB bytes,
 * doubles), finish it, go on at the tail. The text is copied once into native memory with its NUL
 * terminator, so each prepare reads it in place (a length without the terminator would make SQLite copy
 * the rest of the script for every statement). Not thread-safe; each call takes the database's lock.
 *
 * <pre>{@code
 * try (SqlScript s = SqlScript.of(db, "SELECT 1; SELECT 'a'".getBytes(UTF_8))) {
 *   for (int at = 0; at < s.length(); at = s.tail()) {
 *     if (s.prepare(at)) {
 *       while (s.step()) { ... s.text(0) ... }
 *       s.finish();
 *     }
 *   }
 * }
 * }</pre>
 */
public final class SqlScript implements AutoCloseable {
  private final SqliteDatabase db;
  private final Arena arena = Arena.ofConfined();
  private final MemorySegment text;
  private final int length;
  private final MemorySegment out;
  private final MemorySegment tailOut;
  private MemorySegment stmt = MemorySegment.NULL;
  private int tail;
  private int columns;
  private int errorOffset = -1;

  private SqlScript(SqliteDatabase db, byte[] utf8) {
    this.db = db;
    this.length = utf8.length;
    this.text = arena.allocate(utf8.length + 1L);
    MemorySegment.copy(utf8, 0, text, JAVA_BYTE, 0, utf8.length);
    this.out = arena.allocate(ADDRESS);
    this.tailOut = arena.allocate(ADDRESS);
  }

  /** A script of {@code utf8} (the text ends at its first NUL byte, as for every C string) on {@code db}. */
  public static SqlScript of(SqliteDatabase db, byte[] utf8) {
    Objects.requireNonNull(db, "db");
    int nul = indexOfNul(utf8);
    return new SqlScript(db, nul < 0 ? utf8 : Arrays.copyOf(utf8, nul));
  }

  /** The script's length in bytes. */
  public int length() {
    return length;
  }

  /**
   * Prepares the statement starting at byte {@code at}. Returns false when the text there holds only
   * whitespace and comments up to the tail. On an error throws {@link SqliteException} (message: SQLite's
   * own, nothing added) and {@link #errorOffset()} says where in the text from {@code at} it lies.
   */
  public boolean prepare(int at) {
    Objects.checkIndex(at, length + 1);
    finish();
    errorOffset = -1;
    return db.locked(() -> {
      db.beginCall();
      MemorySegment start = text.asSlice(at);
      // nByte counts the terminator: SQLite then reads the text in place instead of copying it.
      int rc = (int) Sqlite3.prepare_v2.invokeExact(db.handle(), start, length - at + 1, out, tailOut);
      MemorySegment s = out.get(ADDRESS, 0);
      if (rc != SqliteCodes.OK) {
        if (!s.equals(MemorySegment.NULL)) {
          int ignored = (int) Sqlite3.finalize_.invokeExact(s);
        }
        errorOffset = (int) Sqlite3.Script.error_offset.invokeExact(db.handle());
        tail = at;
        throw failure(rc);
      }
      tail = (int) (tailOut.get(ADDRESS, 0).address() - text.address());
      if (s.equals(MemorySegment.NULL)) {
        return false;
      }
      stmt = s;
      columns = (int) Sqlite3.column_count.invokeExact(s);
      return true;
    });
  }

  /** Byte offset just past the last prepared statement (where the next one starts). */
  public int tail() {
    return tail;
  }

  /** Byte offset of the last prepare error in the text from where that prepare started; -1 when unknown. */
  public int errorOffset() {
    return errorOffset;
  }

  /** Runs the prepared statement to its next row: true for a row, false when done; throws on an error. */
  public boolean step() {
    MemorySegment s = current();
    return db.locked(() -> {
      db.beginCall();
      int rc = (int) Sqlite3.step.invokeExact(s);
      if (rc == SqliteCodes.ROW) {
        return true;
      }
      if (rc == SqliteCodes.DONE) {
        return false;
      }
      throw failure(rc);
    });
  }

  public int columnCount() {
    current();
    return columns;
  }

  /** Column {@code i}'s name as SQLite's UTF-8 bytes. */
  public byte[] columnName(int i) {
    MemorySegment s = current();
    Objects.checkIndex(i, columns);
    return db.locked(() -> cString((MemorySegment) Sqlite3.column_name.invokeExact(s, i)));
  }

  /** The type of column {@code i} of the current row. */
  public SqlType type(int i) {
    MemorySegment s = current();
    Objects.checkIndex(i, columns);
    return db.locked(() -> SqlType.of((int) Sqlite3.column_type.invokeExact(s, i)));
  }

  /**
   * Column {@code i} of the current row as SQLite renders it as text ({@code sqlite3_column_text}: a REAL
   * as {@code %!.15g}, a BLOB's bytes as they are), or null for NULL. Call {@link #type} first when the
   * original type matters: this converts the value in place.
   */
  public byte[] text(int i) {
    MemorySegment s = current();
    Objects.checkIndex(i, columns);
    return db.locked(() -> {
      MemorySegment p = (MemorySegment) Sqlite3.column_text.invokeExact(s, i);
      if (p.equals(MemorySegment.NULL)) {
        return null;
      }
      int n = (int) Sqlite3.column_bytes.invokeExact(s, i);
      return bytes(p, n);
    });
  }

  /** Column {@code i} of the current row as BLOB bytes (empty for NULL). */
  public byte[] blob(int i) {
    MemorySegment s = current();
    Objects.checkIndex(i, columns);
    return db.locked(() -> {
      MemorySegment p = (MemorySegment) Sqlite3.column_blob.invokeExact(s, i);
      int n = (int) Sqlite3.column_bytes.invokeExact(s, i);
      return p.equals(MemorySegment.NULL) ? new byte[0] : bytes(p, n);
    });
  }

  public double real(int i) {
    MemorySegment s = current();
    Objects.checkIndex(i, columns);
    return db.locked(() -> (double) Sqlite3.column_double.invokeExact(s, i));
  }

  /** Finalizes the prepared statement, if any; the script stays usable from {@link #tail()}. */
  public void finish() {
    MemorySegment s = stmt;
    if (s.equals(MemorySegment.NULL)) {
      return;
    }
    stmt = MemorySegment.NULL;
    columns = 0;
    db.locked(() -> {
      // finalize repeats the last step's error, which step already threw
      int ignored = (int) Sqlite3.finalize_.invokeExact(s);
      return null;
    });
  }

  @Override
  public void close() {
    try {
      if (!db.isClosed()) {
        finish();
      }
    } finally {
      arena.close();
    }
  }

  /** Whether {@code sql} ends with a complete SQL statement ({@code sqlite3_complete}). */
  public static boolean complete(byte[] sql) {
    SqliteLibrary.lookup();
    int nul = indexOfNul(sql);
    byte[] z = Arrays.copyOf(sql, (nul < 0 ? sql.length : nul) + 1);
    try {
      return (int) Sqlite3.Script.complete.invokeExact(MemorySegment.ofArray(z)) != 0;
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_complete failed", t);
    }
  }

  /** Whether {@code word} is an SQL keyword of this SQLite ({@code sqlite3_keyword_check}). */
  public static boolean isKeyword(String word) {
    SqliteLibrary.lookup();
    byte[] b = word.getBytes(StandardCharsets.UTF_8);
    try {
      return (int) Sqlite3.Script.keyword_check.invokeExact(MemorySegment.ofArray(b.length == 0 ? new byte[1] : b), b.length) != 0;
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_keyword_check failed", t);
    }
  }

  /**
   * {@code value} formatted by SQLite's own printf ({@code sqlite3_snprintf}) with {@code format}, which
   * must take exactly one double (e.g. {@code "%!.20g"}, the sqlite3 shell's JSON form of a REAL).
   */
  public static byte[] formatDouble(String format, double value) {
    SqliteLibrary.lookup();
    if (format.chars().filter(c -> c == '%').count() != 1 || !format.matches("[^%]*%[-+ #0!]*[0-9]*(\\.[0-9]+)?[efgEG][^%]*")) {
      throw new IllegalArgumentException("not a format of one double: " + format);
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment buf = a.allocate(128);
      MemorySegment p = (MemorySegment) Sqlite3.Script.snprintf_double.invokeExact(128, buf, a.allocateFrom(format), value);
      return cString(buf);
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_snprintf failed", t);
    }
  }

  // ------------------------------------------------------------------ internals

  private MemorySegment current() {
    if (stmt.equals(MemorySegment.NULL)) {
      throw new IllegalStateException("no prepared statement");
    }
    return stmt;
  }

  /** SQLite's message for {@code rc}, as it is; storage failures keep the VFS's Java cause. */
  private SqliteException failure(int rc) throws Throwable {
    MemorySegment p = (MemorySegment) Sqlite3.errmsg.invokeExact(db.handle());
    String msg = p.reinterpret(Integer.MAX_VALUE).getString(0);
    Throwable cause = db.takeVfsError();
    int primary = rc & 0xff;
    if (primary == SqliteCodes.IOERR || primary == SqliteCodes.FULL) {
      return new SqliteStorageException(rc, msg, cause);
    }
    return new SqliteException(rc, msg, cause);
  }

  private static byte[] bytes(MemorySegment p, int n) {
    byte[] b = new byte[n];
    if (n > 0) {
      MemorySegment.copy(p.reinterpret(n), JAVA_BYTE, 0, b, 0, n);
    }
    return b;
  }

  private static byte[] cString(MemorySegment p) {
    if (p.equals(MemorySegment.NULL)) {
      return new byte[0];
    }
    MemorySegment z = p.reinterpret(Integer.MAX_VALUE);
    int n = 0;
    while (z.get(JAVA_BYTE, n) != 0) {
      n++;
    }
    return bytes(z, n);
  }

  private static int indexOfNul(byte[] b) {
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        return i;
      }
    }
    return -1;
  }
}
