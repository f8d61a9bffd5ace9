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
 * {@link SqliteLibrary#lookup()} succeeded (its initialization needs the library). Functions that never
 * call back into Java (column and bind accessors) are linked as critical for cheaper calls; everything
 * that may reach the VFS (step, prepare, open, close) is a normal downcall.
 */
final class Sqlite3 {
  private Sqlite3() {}

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIB = SqliteLibrary.lookup();

  /** SQLITE_TRANSIENT: SQLite copies bound text and blobs before the bind call returns. */
  static final MemorySegment TRANSIENT = MemorySegment.ofAddress(-1L);

  private static MethodHandle fn(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LIB.find(name).orElseThrow(
        () -> new SqliteUnavailableException("libsqlite3 lacks " + name + "; " + SqliteLibrary.PACKAGE_HINT)), fd);
  }

  private static MethodHandle critical(String name, FunctionDescriptor fd) {
    return LINKER.downcallHandle(LIB.find(name).orElseThrow(
        () -> new SqliteUnavailableException("libsqlite3 lacks " + name + "; " + SqliteLibrary.PACKAGE_HINT)), fd,
        Linker.Option.critical(false));
  }

  static final MethodHandle libversion = critical("sqlite3_libversion", FunctionDescriptor.of(ADDRESS));
  static final MethodHandle open_v2 = fn("sqlite3_open_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle close_v2 = fn("sqlite3_close_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle extended_result_codes = fn("sqlite3_extended_result_codes", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle errmsg = critical("sqlite3_errmsg", FunctionDescriptor.of(ADDRESS, ADDRESS));
  static final MethodHandle errstr = critical("sqlite3_errstr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  static final MethodHandle extended_errcode = critical("sqlite3_extended_errcode", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle changes64 = critical("sqlite3_changes64", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  static final MethodHandle last_insert_rowid = critical("sqlite3_last_insert_rowid", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
  static final MethodHandle get_autocommit = critical("sqlite3_get_autocommit", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle prepare_v2 = fn("sqlite3_prepare_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
  static final MethodHandle step = fn("sqlite3_step", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle reset = fn("sqlite3_reset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle finalize_ = fn("sqlite3_finalize", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle clear_bindings = critical("sqlite3_clear_bindings", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle bind_parameter_count = critical("sqlite3_bind_parameter_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle bind_null = critical("sqlite3_bind_null", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle bind_int64 = critical("sqlite3_bind_int64", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
  static final MethodHandle bind_double = critical("sqlite3_bind_double", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_DOUBLE));
  static final MethodHandle bind_text = fn("sqlite3_bind_text", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle bind_blob = fn("sqlite3_bind_blob", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
  static final MethodHandle column_count = critical("sqlite3_column_count", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle column_name = critical("sqlite3_column_name", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle column_type = critical("sqlite3_column_type", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle column_int64 = critical("sqlite3_column_int64", FunctionDescriptor.of(JAVA_LONG, ADDRESS, JAVA_INT));
  static final MethodHandle column_double = critical("sqlite3_column_double", FunctionDescriptor.of(JAVA_DOUBLE, ADDRESS, JAVA_INT));
  static final MethodHandle column_text = critical("sqlite3_column_text", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle column_blob = critical("sqlite3_column_blob", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
  static final MethodHandle column_bytes = critical("sqlite3_column_bytes", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle vfs_register = fn("sqlite3_vfs_register", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  static final MethodHandle vfs_unregister = fn("sqlite3_vfs_unregister", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  static final MethodHandle malloc = critical("sqlite3_malloc", FunctionDescriptor.of(ADDRESS, JAVA_INT));
}
