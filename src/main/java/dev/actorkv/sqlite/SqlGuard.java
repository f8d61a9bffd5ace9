package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;
import java.util.Set;

/**
 * Keeps the SQL run on an actor's database inside that database, with SQLite's own defences rather than
 * by reading SQL text: connection options ({@code sqlite3_db_config}), a limit on attached databases and
 * an authorizer that SQLite consults while it prepares every statement (including the ones it runs
 * itself for VACUUM and table-valued pragmas, and the triggers and views a statement uses).
 *
 * <p>The threat is the SQL itself (an actor's code, or a user of {@code keyspace sql}): it may reach the
 * actor's database and nothing else — no file, no other actor's database, no native pointer, no
 * process-wide setting. {@link KvVfs} refuses, on its own, to open anything but its actor's files.
 */
final class SqlGuard implements AutoCloseable {
  /**
   * One attached database at a time: VACUUM copies the database through an internal
   * {@code ATTACH '' AS vacuum_db} (a private temporary database), so a limit of 0 would forbid VACUUM
   * itself. The authorizer allows only that kind of attachment.
   */
  static final int MAX_ATTACHED = 1;

  /**
   * Pragmas that may be read but not set: each changes state shared by every SQLite connection in the
   * process (temporary directory, heap limits) or undoes a defence of this connection.
   */
  private static final Set<String> READ_ONLY_PRAGMAS = Set.of(
      "temp_store_directory", "data_store_directory", "soft_heap_limit", "hard_heap_limit",
      "trusted_schema", "writable_schema");

  /**
   * Functions no statement may call: {@code fts3_tokenizer} hands out (one argument, bound) and takes
   * (two arguments) raw native pointers to tokenizer modules; {@code load_extension} loads native code.
   */
  private static final Set<String> FORBIDDEN_FUNCTIONS = Set.of("fts3_tokenizer", "load_extension");

  /** {@code int xAuth(void*, int, const char*, const char*, const char*, const char*)}. */
  static final FunctionDescriptor AUTHORIZER = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS);

  private final Arena arena = Arena.ofShared();
  private final MemorySegment authorizer;
  /** Why the authorizer last refused, for the error message (SQLite itself only says "not authorized"). */
  private String denial;

  SqlGuard() {
    try {
      MethodType type = AUTHORIZER.toMethodType();
      var target = MethodHandles.lookup().findVirtual(SqlGuard.class, "authorize", type).bindTo(this);
      authorizer = Linker.nativeLinker().upcallStub(target, AUTHORIZER, arena);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      arena.close();
      throw new IllegalStateException("authorizer does not match its C signature", e);
    }
  }

  /**
   * Applies the defences to a fresh connection, before it runs any SQL. Throws
   * {@link SqliteUnavailableException} when the loaded libsqlite3 cannot honour one of them.
   */
  void install(MemorySegment db) {
    flag(db, SqliteCodes.DBCONFIG_DEFENSIVE, "SQLITE_DBCONFIG_DEFENSIVE", true);
    flag(db, SqliteCodes.DBCONFIG_WRITABLE_SCHEMA, "SQLITE_DBCONFIG_WRITABLE_SCHEMA", false);
    flag(db, SqliteCodes.DBCONFIG_ENABLE_FTS3_TOKENIZER, "SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER", false);
    flag(db, SqliteCodes.DBCONFIG_ENABLE_LOAD_EXTENSION, "SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION", false);
    flag(db, SqliteCodes.DBCONFIG_TRUSTED_SCHEMA, "SQLITE_DBCONFIG_TRUSTED_SCHEMA", false);
    try {
      int ignored = (int) Sqlite3.limit.invokeExact(db, SqliteCodes.LIMIT_ATTACHED, MAX_ATTACHED);
      int now = (int) Sqlite3.limit.invokeExact(db, SqliteCodes.LIMIT_ATTACHED, -1);
      if (now > MAX_ATTACHED) {
        throw new SqliteUnavailableException("libsqlite3 kept SQLITE_LIMIT_ATTACHED at " + now);
      }
      int rc = (int) Sqlite3.set_authorizer.invokeExact(db, authorizer, MemorySegment.NULL);
      if (rc != SqliteCodes.OK) {
        throw new SqliteUnavailableException("sqlite3_set_authorizer failed with result code " + rc);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("configuring the SQLite connection failed", t);
    }
  }

  private static void flag(MemorySegment db, int op, String name, boolean on) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(JAVA_INT);
      out.set(JAVA_INT, 0, -1);
      int rc = (int) Sqlite3.db_config_flag.invokeExact(db, op, on ? 1 : 0, out);
      if (rc != SqliteCodes.OK || out.get(JAVA_INT, 0) != (on ? 1 : 0)) {
        throw new SqliteUnavailableException("the loaded libsqlite3 cannot set " + name + " (result code " + rc
            + "); actor databases need SQLite 3.31 or later. " + SqliteLibrary.PACKAGE_HINT);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_db_config failed", t);
    }
  }

  /** The reason of the last refusal, cleared by the call (null when the authorizer refused nothing). */
  String takeDenial() {
    String d = denial;
    denial = null;
    return d;
  }

  /** The authorizer (an upcall): never throws into C; anything unexpected is refused. */
  int authorize(MemorySegment user, int action, MemorySegment arg1, MemorySegment arg2, MemorySegment db, MemorySegment trigger) {
    try {
      String reason = switch (action) {
        // VACUUM's own copy is ATTACH '' (a private temporary database, served from memory); every other
        // attachment, VACUUM INTO's target included, would reach a file or another database.
        case SqliteCodes.ACTION_ATTACH -> "".equals(text(arg1)) ? null
            : "ATTACH and VACUUM INTO are refused: SQL on an actor's database reaches that database only";
        case SqliteCodes.ACTION_PRAGMA -> {
          String name = text(arg1);
          yield name != null && !arg2.equals(MemorySegment.NULL) && READ_ONLY_PRAGMAS.contains(name.toLowerCase(Locale.ROOT))
              ? "PRAGMA " + name.toLowerCase(Locale.ROOT) + " cannot be set on an actor's database"
              : null;
        }
        case SqliteCodes.ACTION_FUNCTION -> {
          String name = text(arg2);
          yield name != null && FORBIDDEN_FUNCTIONS.contains(name.toLowerCase(Locale.ROOT))
              ? "the function " + name.toLowerCase(Locale.ROOT) + "() is not available on an actor's database"
              : null;
        }
        default -> null;
      };
      if (reason == null) {
        return SqliteCodes.AUTH_OK;
      }
      denial = reason;
      return SqliteCodes.AUTH_DENY;
    } catch (Throwable t) {
      denial = "the authorizer failed: " + t;
      return SqliteCodes.AUTH_DENY;
    }
  }

  private static String text(MemorySegment p) {
    return p.equals(MemorySegment.NULL) ? null : p.reinterpret(Integer.MAX_VALUE).getString(0);
  }

  /** Frees the authorizer's upcall stub; call after the connection is closed. */
  @Override
  public void close() {
    arena.close();
  }
}
