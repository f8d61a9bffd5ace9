package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * Downcall handles for the part of the SQLite C API this package uses. Only touch this class after
 * {@link SqliteLibrary#lookup()} succeeded (its initialization needs the library).
 *
 * <p>Functions that never call back into Java (column and bind accessors) are linked as critical for
 * cheaper calls; everything that may reach the VFS (step, reset, prepare, open, close, finalize) is a
 * normal downcall. Linking costs the JVM a generated class per distinct (signature, options) pair, a
 * large part of opening the first database in a process, so the handles share shapes where it costs
 * nothing at run time: the rarely called {@code (ptr) -> int} functions are normal downcalls like
 * {@code step}, the rarely called {@code (ptr, int) -> int} ones are critical like the accessors, and
 * functions only error paths and tools need are linked on first use ({@link Rare}).
 */
final class Sqlite3 {
  private Sqlite3() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIB = SqliteLibrary.lookup();
  private static final Linker.Option CRITICAL = Linker.Option.critical(false);
  /** Critical, and may be passed heap segments: SQLite copies them before returning (TRANSIENT). */
  private static final Linker.Option CRITICAL_HEAP = Linker.Option.critical(true);

  /** SQLITE_TRANSIENT: SQLite copies bound text and blobs before the bind call returns. */
  static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1L);

  private static MethodHandle link(String name, FunctionDescriptor fd, Linker.Option... options) {
    MemorySegment symbol = LIB.find(name).orElse(null); // no lambda: its class would load at startup
    if (symbol == null) {
      throw new SqliteUnavailableException("libsqlite3 lacks " + name + "; " + SqliteLibrary.PACKAGE_HINT);
    }
    return LINKER.downcallHandle(symbol, fd, options);
  }

  private static final FunctionDescriptor INT_OF_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
  private static final FunctionDescriptor INT_OF_PTR_INT = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor PTR_OF_PTR = FunctionDescriptor.of(ADDRESS, ADDRESS);
  private static final FunctionDescriptor PTR_OF_PTR_INT = FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT);
  private static final FunctionDescriptor LONG_OF_PTR = FunctionDescriptor.of(JAVA_LONG, ADDRESS);
  private static final FunctionDescriptor BIND_BYTES = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);

  // May call the VFS (or run rarely): normal downcalls.
  static final MethodHandle open_v2 = link("sqlite3_open_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle close_v2 = link("sqlite3_close_v2", INT_OF_PTR);
  static final MethodHandle prepare_v2 = link("sqlite3_prepare_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle step = link("sqlite3_step", INT_OF_PTR);
  static final MethodHandle reset = link("sqlite3_reset", INT_OF_PTR);
  static final MethodHandle clear_bindings = link("sqlite3_clear_bindings", INT_OF_PTR);
  static final MethodHandle finalize_ = link("sqlite3_finalize", INT_OF_PTR);
  static final MethodHandle get_autocommit = link("sqlite3_get_autocommit", INT_OF_PTR);
  static final MethodHandle bind_parameter_count = link("sqlite3_bind_parameter_count", INT_OF_PTR);
  static final MethodHandle column_count = link("sqlite3_column_count", INT_OF_PTR);
  static final MethodHandle vfs_unregister = link("sqlite3_vfs_unregister", INT_OF_PTR);
  /** {@code sqlite3_set_authorizer(db, xAuth, pUserData)}: SQLite calls xAuth while it prepares. */
  static final MethodHandle set_authorizer = link("sqlite3_set_authorizer", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
  /**
   * {@code sqlite3_db_config(db, op, int, int*)} for the on/off options: variadic in C, so the two
   * arguments after {@code op} are passed as variadic ones (the ABI may place them differently).
   */
  static final MethodHandle db_config_flag = link("sqlite3_db_config",
      FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.firstVariadicArg(2));

  // Never call back into Java: critical.
  static final MethodHandle extended_result_codes = link("sqlite3_extended_result_codes", INT_OF_PTR_INT, CRITICAL);
  static final MethodHandle vfs_register = link("sqlite3_vfs_register", INT_OF_PTR_INT, CRITICAL);
  static final MethodHandle vfs_find = link("sqlite3_vfs_find", PTR_OF_PTR, CRITICAL);
  static final MethodHandle errmsg = link("sqlite3_errmsg", PTR_OF_PTR, CRITICAL);
  static final MethodHandle changes64 = link("sqlite3_changes64", LONG_OF_PTR, CRITICAL);
  static final MethodHandle last_insert_rowid = link("sqlite3_last_insert_rowid", LONG_OF_PTR, CRITICAL);
  static final MethodHandle bind_null = link("sqlite3_bind_null", INT_OF_PTR_INT, CRITICAL);
  static final MethodHandle bind_int64 = link("sqlite3_bind_int64", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG), CRITICAL);
  static final MethodHandle bind_double = link("sqlite3_bind_double", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE), CRITICAL);
  static final MethodHandle bind_text = link("sqlite3_bind_text", BIND_BYTES, CRITICAL_HEAP);
  static final MethodHandle bind_blob = link("sqlite3_bind_blob", BIND_BYTES, CRITICAL_HEAP);
  static final MethodHandle column_name = link("sqlite3_column_name", PTR_OF_PTR_INT, CRITICAL);
  static final MethodHandle column_type = link("sqlite3_column_type", INT_OF_PTR_INT, CRITICAL);
  static final MethodHandle column_int64 = link("sqlite3_column_int64", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT), CRITICAL);
  static final MethodHandle column_double = link("sqlite3_column_double", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT), CRITICAL);
  static final MethodHandle column_text = link("sqlite3_column_text", PTR_OF_PTR_INT, CRITICAL);
  static final MethodHandle column_blob = link("sqlite3_column_blob", PTR_OF_PTR_INT, CRITICAL);
  static final MethodHandle column_bytes = link("sqlite3_column_bytes", INT_OF_PTR_INT, CRITICAL);
  static final MethodHandle limit = link("sqlite3_limit", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), CRITICAL);

  /** Functions of error paths and tools, linked when first used (each shape costs a generated class). */
  static final class Rare {
    private Rare() {}

    static final MethodHandle libversion = link("sqlite3_libversion", FunctionDescriptor.of(ADDRESS), CRITICAL);
    static final MethodHandle malloc = link("sqlite3_malloc", FunctionDescriptor.of(ADDRESS, JAVA_INT), CRITICAL);
  }

  /** What the statement-at-a-time script API ({@link SqlScript}) needs beyond the common calls. */
  static final class Script {
    private Script() {}

    /** Pure scanners of a NUL-terminated text; never call back. */
    static final MethodHandle complete = link("sqlite3_complete", INT_OF_PTR, CRITICAL_HEAP);
    static final MethodHandle error_offset = link("sqlite3_error_offset", INT_OF_PTR, CRITICAL);
    static final MethodHandle keyword_check = link("sqlite3_keyword_check", INT_OF_PTR_INT, CRITICAL_HEAP);
    /** {@code sqlite3_snprintf(int, char*, const char*, double)}: SQLite's own number formatting. */
    static final MethodHandle snprintf_double = link("sqlite3_snprintf",
        FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_DOUBLE), Linker.Option.firstVariadicArg(3));
  }
}
