package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A prepared SQL statement of a {@link SqliteDatabase}: prepare once, run many times with different
 * parameters, close when done (closing the database closes it too). Parameters are positional
 * ({@code ?}, {@code ?NNN}) and typed: null, Long/Integer/Short/Byte (INTEGER), Double/Float (FLOAT),
 * String (TEXT), byte[] (BLOB); anything else is refused before SQLite runs. Uses the database's lock,
 * so it is as thread-safe as the database.
 */
public final class Statement implements AutoCloseable {
  private final SqliteDatabase db;
  private final String sql;
  private MemorySegment handle;
  private final List<String> columns;
  private final int parameterCount;
  /** Whether SQLite holds a copy of a large bound text or blob, to release when the run ends. */
  private boolean holdsLargeValue;

  /** Bound values up to this size stay with the statement until its next run rebinds them. */
  private static final int LARGE_VALUE = 64 * 1024;

  Statement(SqliteDatabase db, String sql, MemorySegment handle) throws Throwable {
    this.db = db;
    this.sql = sql;
    this.handle = handle;
    int n = (int) Sqlite3.column_count.invokeExact(handle);
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      MemorySegment p = (MemorySegment) Sqlite3.column_name.invokeExact(handle, i);
      names.add(p.equals(MemorySegment.NULL) ? "" : p.reinterpret(Integer.MAX_VALUE).getString(0));
    }
    this.columns = List.copyOf(names);
    this.parameterCount = (int) Sqlite3.bind_parameter_count.invokeExact(handle);
  }

  public String sql() {
    return sql;
  }

  /** Names of the result columns (empty for statements that return no rows). */
  public List<String> columns() {
    return columns;
  }

  public int parameterCount() {
    return parameterCount;
  }

  /** Runs the statement with {@code params}, discarding any rows; returns the number of rows changed. */
  public long execute(Object... params) {
    return db.locked(() -> {
      run(params, null);
      return (long) Sqlite3.changes64.invokeExact(db.handle());
    });
  }

  /** Runs the statement with {@code params} and returns every row. */
  public QueryResult query(Object... params) {
    return db.locked(() -> {
      List<Row> rows = new ArrayList<>();
      run(params, rows::add);
      return new QueryResult(columns, rows);
    });
  }

  /** Runs the statement with {@code params}, handing each row to {@code sink} as it is produced. */
  public void forEach(Consumer<Row> sink, Object... params) {
    db.locked(() -> {
      run(params, sink);
      return null;
    });
  }

  boolean isClosed() {
    return handle == null;
  }

  /** Finalizes the statement; a no-op when it or its database is already closed. */
  @Override
  public void close() {
    if (db.isClosed()) {
      return; // closing the database finalized every statement
    }
    db.locked(() -> {
      db.forget(this);
      finalizeHandle();
      return null;
    });
  }

  void finalizeHandle() throws Throwable {
    if (handle != null) {
      // finalize repeats the last step's error, which that step already threw: nothing new to report
      int ignored = (int) Sqlite3.finalize_.invokeExact(handle);
      handle = null;
    }
  }

  // ------------------------------------------------------------------ internals (db lock held)

  private void run(Object[] params, Consumer<Row> sink) throws Throwable {
    if (handle == null) {
      throw new IllegalStateException("statement is closed: " + sql);
    }
    db.beginCall();
    try {
      bind(params);
      while (true) {
        int rc = (int) Sqlite3.step.invokeExact(handle);
        if (rc == SqliteCodes.ROW) {
          if (sink != null) {
            sink.accept(readRow());
          }
        } else if (rc == SqliteCodes.DONE) {
          break;
        } else {
          throw db.error(rc, sql);
        }
      }
    } finally {
      int ignored = (int) Sqlite3.reset.invokeExact(handle);
      // Every run binds every parameter again (bind checks the count), so bindings need clearing only
      // to free SQLite's copy of a large value now rather than at the next run of a cached statement.
      if (holdsLargeValue) {
        int cleared = (int) Sqlite3.clear_bindings.invokeExact(handle);
        holdsLargeValue = false;
      }
    }
  }

  private void bind(Object[] params) throws Throwable {
    if (params.length != parameterCount) {
      throw new IllegalArgumentException("statement takes " + parameterCount + " parameters, got " + params.length + ": " + sql);
    }
    for (int i = 0; i < params.length; i++) {
      int idx = i + 1;
      int rc = bindOne(idx, params[i]);
      if (rc != SqliteCodes.OK) {
        throw db.error(rc, "binding parameter " + idx + " of " + sql);
      }
    }
  }

  /**
   * Binds one value. Text and blobs go to SQLite straight from the Java array (a critical call that
   * SQLite's TRANSIENT copy completes before returning), so nothing is staged in native memory.
   */
  private int bindOne(int idx, Object v) throws Throwable {
    if (v instanceof Long l) {
      return (int) Sqlite3.bind_int64.invokeExact(handle, idx, (long) l);
    } else if (v instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      holdsLargeValue |= b.length > LARGE_VALUE;
      return (int) Sqlite3.bind_text.invokeExact(handle, idx, bytes(b), b.length, Sqlite3.TRANSIENT);
    } else if (v instanceof Double d) {
      return (int) Sqlite3.bind_double.invokeExact(handle, idx, (double) d);
    } else if (v instanceof byte[] b) {
      holdsLargeValue |= b.length > LARGE_VALUE;
      return (int) Sqlite3.bind_blob.invokeExact(handle, idx, bytes(b), b.length, Sqlite3.TRANSIENT);
    } else if (v == null) {
      return (int) Sqlite3.bind_null.invokeExact(handle, idx);
    }
    return bindOne(idx, Objects.requireNonNull(normalize(v, idx))); // the narrower numbers, or a typed error
  }

  /** Never the NULL pointer: SQLite binds a NULL pointer as SQL NULL, not as an empty text or blob. */
  private static MemorySegment bytes(byte[] b) {
    return b.length == 0 ? EMPTY : MemorySegment.ofArray(b);
  }

  private static final MemorySegment EMPTY = Arena.global().allocate(1);

  /** Checks and widens a parameter to Long, Double, String, byte[] or null. */
  static Object normalize(Object v, int position) {
    return switch (v) {
      case null -> null;
      case Long l -> l;
      case Integer n -> n.longValue();
      case Short n -> n.longValue();
      case Byte n -> n.longValue();
      case Double d -> d;
      case Float f -> f.doubleValue();
      case String s -> s;
      case byte[] b -> b;
      default -> throw new IllegalArgumentException("parameter " + position + " has type " + v.getClass().getName()
          + "; SQLite values are null, Long, Integer, Short, Byte, Double, Float, String or byte[]");
    };
  }

  private Row readRow() throws Throwable {
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      int type = (int) Sqlite3.column_type.invokeExact(handle, i);
      values[i] = switch (type) {
        case SqliteCodes.INTEGER -> (long) Sqlite3.column_int64.invokeExact(handle, i);
        case SqliteCodes.FLOAT -> (double) Sqlite3.column_double.invokeExact(handle, i);
        case SqliteCodes.TEXT -> {
          MemorySegment p = (MemorySegment) Sqlite3.column_text.invokeExact(handle, i);
          int n = (int) Sqlite3.column_bytes.invokeExact(handle, i);
          yield new String(copy(p, n), StandardCharsets.UTF_8);
        }
        case SqliteCodes.BLOB -> {
          MemorySegment p = (MemorySegment) Sqlite3.column_blob.invokeExact(handle, i);
          int n = (int) Sqlite3.column_bytes.invokeExact(handle, i);
          yield copy(p, n);
        }
        default -> null;
      };
    }
    return new Row(columns, values);
  }

  /** The {@code n} bytes at {@code p} (a column value SQLite owns until the next step or reset). */
  private static byte[] copy(MemorySegment p, int n) {
    byte[] b = new byte[n];
    if (n > 0) {
      MemorySegment.copy(p.reinterpret(n), JAVA_BYTE, 0, b, 0, n);
    }
    return b;
  }

  /** The current row as SQLite renders it as text (what the sqlite3 shell prints); null for NULL. */
  static List<String> textRow(MemorySegment stmt, int columnCount) throws Throwable {
    List<String> out = new ArrayList<>(columnCount);
    for (int i = 0; i < columnCount; i++) {
      int type = (int) Sqlite3.column_type.invokeExact(stmt, i);
      if (type == SqliteCodes.NULL) {
        out.add(null);
        continue;
      }
      MemorySegment p = (MemorySegment) Sqlite3.column_text.invokeExact(stmt, i);
      int n = (int) Sqlite3.column_bytes.invokeExact(stmt, i);
      out.add(new String(copy(p, n), StandardCharsets.UTF_8));
    }
    return out;
  }
}
