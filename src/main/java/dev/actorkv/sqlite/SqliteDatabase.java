package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import com.google.common.annotations.VisibleForTesting;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.migrate.LegacyLayoutException;
import dev.actorkv.store.ActorKeyspace;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An actor's SQLite database: the system libsqlite3 running on the actor's keyspace through
 * {@link PageStore}s (namespace {@code [08][01]}). Every committed transaction reaches the store as ONE
 * atomic batch; after a crash the database holds exactly the last committed transaction.
 *
 * <pre>{@code
 * try (SqliteDatabase db = SqliteDatabase.open(store.actor("a1"))) {
 *   db.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT)");
 *   db.inTransaction(tx -> tx.execute("INSERT INTO t (name) VALUES (?)", "x"));
 *   QueryResult r = db.query("SELECT id, name FROM t WHERE id > ?", 0);
 * }
 * }</pre>
 *
 * <p>One handle per actor per process (a second open of the same actor fails): the handle holds
 * SQLite's exclusive lock and page cache. Thread-safe by a lock; SQLite work of one handle is serial.
 * Storage failures surface as {@link SqliteStorageException} (SQLite saw SQLITE_IOERR and rolled back;
 * nothing of the transaction was stored); SQL errors as {@link SqliteException}.
 */
public final class SqliteDatabase implements AutoCloseable {
  /**
   * Actors with an open handle in this process. Process-wide like SQLite's own table of open files in
   * its unix VFS: two handles on one actor would each buffer and cache pages, so the second is refused.
   */
  /** The claim a database handle holds on its actor: one handle per actor per store. */
  private static final String CLAIM = "sqlite";

  private final MemorySegment db;
  private final KvVfs vfs; // null for a native file
  private final SqlGuard guard; // null for a native file
  private final ActorKeyspace actor; // null for a native file
  private final SqliteOptions options;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<String, Statement> cache;
  private final Set<Statement> statements = new LinkedHashSet<>();
  private int savepointDepth;
  private boolean closed;

  private SqliteDatabase(MemorySegment db, KvVfs vfs, SqlGuard guard, ActorKeyspace actor, SqliteOptions options) {
    this.db = db;
    this.vfs = vfs;
    this.guard = guard;
    this.actor = actor;
    this.options = options;
    int capacity = options.statementCacheSize();
    this.cache = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Statement> eldest) {
        if (size() > capacity) {
          try {
            statements.remove(eldest.getValue());
            eldest.getValue().finalizeHandle();
          } catch (Throwable t) {
            throw new IllegalStateException("sqlite3_finalize failed", t);
          }
          return true;
        }
        return false;
      }
    };
  }

  /** Opens (creating when empty) the SQLite database of {@code actor} with default options. */
  public static SqliteDatabase open(ActorKeyspace actor) {
    return open(actor, SqliteOptions.DEFAULTS);
  }

  /**
   * Opens (creating when empty) the SQLite database of {@code actor}. Throws
   * {@link SqliteUnavailableException} when libsqlite3 is missing, {@link IllegalStateException} when
   * this actor's database is already open in this process, {@link LegacyLayoutException} when the actor
   * still holds SQLite data in the legacy layout (migrate it first).
   */
  public static SqliteDatabase open(ActorKeyspace actor, SqliteOptions options) {
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(options, "options");
    SqliteLibrary.lookup();
    if (actor.first(SqliteKeys.legacyAll(), false) != null) {
      // Opening would start an empty v1 database beside the unmigrated one.
      throw new LegacyLayoutException(actor.actorId());
    }
    if (!actor.claim(CLAIM)) {
      throw new IllegalStateException("the SQLite database of actor " + actor.actorId()
          + " is already open in this process; share that handle");
    }
    KvVfs vfs = null;
    SqlGuard guard = null;
    SqliteDatabase d = null;
    try {
      vfs = new KvVfs(actor);
      vfs.register();
      // A missing or corrupt size record was rebuilt from the chunks; store it before SQLite reads.
      vfs.mainStore().repairSizeRecord();
      boolean fresh = vfs.mainStore().size() == 0;
      guard = new SqlGuard();
      d = new SqliteDatabase(openHandle(KvVfs.DB_NAME, vfs.name(), vfs), vfs, guard, actor, options);
      // Before any SQL, even ours: SQL on an actor's database reaches that database and nothing else.
      guard.install(d.db);
      // Exclusive locking keeps the page cache valid between transactions (one handle per actor);
      // the in-memory journal plus the VFS's staged writes make each commit one atomic batch.
      d.executeScript("PRAGMA locking_mode=EXCLUSIVE; PRAGMA journal_mode=MEMORY; PRAGMA temp_store=MEMORY; "
          + "PRAGMA cache_size=-" + options.cacheSizeKiB() + ";"
          + (fresh ? " PRAGMA page_size=" + options.pageSize() + ";" : ""));
      return d;
    } catch (RuntimeException | Error e) {
      if (d != null) {
        d.closeQuietly(e);
      } else {
        if (guard != null) {
          guard.close();
        }
        if (vfs != null) {
          try {
            vfs.close();
          } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
      }
      actor.release(CLAIM);
      throw e;
    }
  }

  /**
   * Opens an ordinary SQLite database file through SQLite's default VFS (no actor, no page store), for
   * tooling and for comparing against the page store. The caller chooses journal mode and durability.
   */
  public static SqliteDatabase openFile(Path path, SqliteOptions options) {
    SqliteLibrary.lookup();
    return new SqliteDatabase(openHandle(path.toString(), null, null), null, null, null, options);
  }

  private static MemorySegment openHandle(String filename, String vfsName, KvVfs vfs) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment out = a.allocate(ADDRESS);
      int flags = SqliteCodes.OPEN_READWRITE | SqliteCodes.OPEN_CREATE | SqliteCodes.OPEN_EXRESCODE;
      MemorySegment vfsArg = vfsName == null ? MemorySegment.NULL : a.allocateFrom(vfsName);
      int rc = (int) Sqlite3.open_v2.invokeExact(a.allocateFrom(filename), out, flags, vfsArg);
      MemorySegment handle = out.get(ADDRESS, 0);
      if (rc != SqliteCodes.OK) {
        String msg = handle.equals(MemorySegment.NULL) ? "out of memory" : errmsg(handle);
        if (!handle.equals(MemorySegment.NULL)) {
          int ignored = (int) Sqlite3.close_v2.invokeExact(handle);
        }
        Throwable cause = vfs == null ? null : vfs.takeError();
        if ((rc & 0xff) == SqliteCodes.IOERR) {
          throw new SqliteStorageException(rc, "cannot open SQLite database: " + msg, cause);
        }
        throw new SqliteException(rc, "cannot open SQLite database " + filename + ": " + msg, cause);
      }
      int ignored = (int) Sqlite3.extended_result_codes.invokeExact(handle, 1);
      return handle;
    } catch (SqliteException e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_open_v2 failed", t);
    }
  }

  /**
   * Does the first {@link #open}'s once-per-process work on the calling thread: loads libsqlite3 and
   * links its native calls and one callback of each VFS signature. The JDK generates a class per
   * distinct signature, ~0.2 s of a short process's start-up, so a tool can run this on a second thread
   * while it opens the store; {@link #open} then finds the classes made (or waits for the class
   * initialisation under way). Throws {@link SqliteUnavailableException} as {@link #open} would.
   */
  public static void linkNativeCalls() {
    SqliteLibrary.lookup();
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      lookup.ensureInitialized(Sqlite3.class);
      lookup.ensureInitialized(Sqlite3.Script.class);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot initialise this package's own class", e);
    }
    // The JDK keeps one stub factory per signature for the process: a stub made and freed here leaves
    // it for the VFS's and the authorizer's own stubs.
    Set<FunctionDescriptor> signatures = KvVfs.upcallSignatures();
    signatures.add(SqlGuard.AUTHORIZER);
    Linker linker = Linker.nativeLinker();
    try (Arena arena = Arena.ofConfined()) {
      for (FunctionDescriptor signature : signatures) {
        linker.upcallStub(MethodHandles.empty(signature.toMethodType()), signature, arena);
      }
    }
  }

  /** The version of the loaded libsqlite3, e.g. "3.40.1". */
  public static String libraryVersion() {
    SqliteLibrary.lookup();
    try {
      return ((MemorySegment) Sqlite3.Rare.libversion.invokeExact()).reinterpret(64).getString(0);
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_libversion failed", t);
    }
  }

  /** The actor this database belongs to (null for {@link #openFile}). */
  public ActorKeyspace actor() {
    return actor;
  }

  public SqliteOptions options() {
    return options;
  }

  // ------------------------------------------------------------------ SQL

  /** Runs one statement with {@code params}; returns the number of rows it changed. */
  public long execute(String sql, Object... params) {
    return withStatement(sql, s -> s.execute(params));
  }

  /** Runs one query with {@code params} and returns its rows. */
  public QueryResult query(String sql, Object... params) {
    return withStatement(sql, s -> s.query(params));
  }

  /** Runs {@code use} on {@code sql}'s cached statement, or on a one-shot one when the cache is off. */
  private <T> T withStatement(String sql, Function<Statement, T> use) {
    return locked(() -> {
      if (options.statementCacheSize() == 0) {
        try (Statement s = prepareOne(sql)) {
          return use.apply(s);
        }
      }
      return use.apply(cached(sql));
    });
  }

  /** Prepares {@code sql} (one statement) for repeated use; close the statement when done. */
  public Statement prepare(String sql) {
    return locked(() -> {
      Statement s = prepareOne(sql);
      statements.add(s);
      return s;
    });
  }

  /** Runs every statement of {@code script} (no parameters), discarding rows. */
  public void executeScript(String script) {
    executeScript(script, row -> {});
  }

  /**
   * Runs every statement of {@code script} in order, handing each result row to {@code rows} as SQLite
   * renders it as text (what the sqlite3 shell prints; null for NULL). Stops at the first error.
   */
  public void executeScript(String script, Consumer<List<String>> rows) {
    locked(() -> {
      beginCall();
      try (Arena a = Arena.ofConfined()) {
        byte[] utf8 = sqlBytes(script);
        MemorySegment sql = nulTerminated(a, utf8);
        MemorySegment out = a.allocate(ADDRESS);
        MemorySegment tail = a.allocate(ADDRESS);
        long offset = 0;
        while (offset < utf8.length) {
          MemorySegment at = sql.asSlice(offset);
          // The length includes the terminating NUL: SQLite then parses in place. Without it SQLite
          // copies the whole rest of the script before each statement (quadratic in the statements).
          int rc = (int) Sqlite3.prepare_v2.invokeExact(db, at, (int) (utf8.length + 1L - offset), out, tail);
          if (rc != SqliteCodes.OK) {
            throw error(rc, "preparing " + excerpt(script, offset));
          }
          long next = tail.get(ADDRESS, 0).address() - sql.address();
          MemorySegment stmt = out.get(ADDRESS, 0);
          if (!stmt.equals(MemorySegment.NULL)) {
            try {
              int columns = (int) Sqlite3.column_count.invokeExact(stmt);
              while (true) {
                int s = (int) Sqlite3.step.invokeExact(stmt);
                if (s == SqliteCodes.ROW) {
                  rows.accept(Statement.textRow(stmt, columns));
                } else if (s == SqliteCodes.DONE) {
                  break;
                } else {
                  throw error(s, excerpt(script, offset));
                }
              }
            } finally {
              int ignored = (int) Sqlite3.finalize_.invokeExact(stmt);
            }
          }
          if (next <= offset) {
            break;
          }
          offset = next;
        }
      }
      return null;
    });
  }

  /**
   * The UTF-8 bytes of {@code sql}, refusing a NUL character: SQLite reads SQL text up to the first NUL,
   * so everything after one would be skipped without a word.
   */
  private static byte[] sqlBytes(String sql) {
    int nul = sql.indexOf('\0');
    if (nul >= 0) {
      throw new InvalidSqlTextException("the SQL contains a NUL character (at character " + nul
          + "); SQLite would silently ignore everything after it");
    }
    return sql.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code utf8} followed by a NUL byte, in {@code arena}. */
  private static MemorySegment nulTerminated(Arena arena, byte[] utf8) {
    MemorySegment text = arena.allocate(utf8.length + 1L); // zeroed: the last byte is the NUL
    MemorySegment.copy(utf8, 0, text, JAVA_BYTE, 0, utf8.length);
    return text;
  }

  /** The statement starting at {@code byteOffset} of the script, shortened, for error messages. */
  private static String excerpt(String script, long byteOffset) {
    byte[] utf8 = script.getBytes(StandardCharsets.UTF_8);
    String s = new String(utf8, (int) byteOffset, (int) Math.min(80, utf8.length - byteOffset), StandardCharsets.UTF_8).strip();
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }

  // ------------------------------------------------------------------ transactions

  public void begin() {
    execute("BEGIN");
  }

  public void commit() {
    execute("COMMIT");
  }

  public void rollback() {
    execute("ROLLBACK");
  }

  /** Whether a transaction is open (SQLite is not in autocommit mode). */
  public boolean inTransaction() {
    return locked(() -> (int) Sqlite3.get_autocommit.invokeExact(db) == 0);
  }

  /** Work done inside {@link #inTransaction(TransactionBody)}. */
  @FunctionalInterface
  public interface TransactionBody<T> {
    T run(SqliteDatabase db) throws Exception;
  }

  /**
   * Runs {@code body} in a transaction: commits when it returns, rolls back when it throws (and rethrows;
   * checked exceptions are wrapped in {@link TransactionAbortedException}). Called inside a transaction
   * it nests as a savepoint: the inner body's changes are undone alone when it throws, and become durable
   * with the outer commit. The lock is held throughout, so no other thread's SQL interleaves.
   */
  public <T> T inTransaction(TransactionBody<T> body) {
    lock.lock();
    try {
      boolean nested = inTransaction();
      String savepoint = "actorkv_tx_" + (++savepointDepth);
      execute(nested ? "SAVEPOINT " + savepoint : "BEGIN");
      T result;
      try {
        result = body.run(this);
      } catch (Exception | Error e) {
        undo(nested, savepoint, e);
        if (e instanceof RuntimeException r) {
          throw r;
        }
        if (e instanceof Error err) {
          throw err;
        }
        throw new TransactionAbortedException(e);
      }
      try {
        execute(nested ? "RELEASE " + savepoint : "COMMIT");
      } catch (RuntimeException e) {
        undo(nested, savepoint, e);
        throw e;
      }
      return result;
    } finally {
      savepointDepth--;
      lock.unlock();
    }
  }

  private void undo(boolean nested, String savepoint, Throwable failure) {
    if (!inTransaction()) {
      return; // SQLite already rolled back (an I/O error, for one)
    }
    try {
      if (nested) {
        execute("ROLLBACK TO " + savepoint);
        execute("RELEASE " + savepoint);
      } else {
        rollback();
      }
    } catch (RuntimeException suppressed) {
      failure.addSuppressed(suppressed);
    }
  }

  /** The rowid of the last row inserted through this handle. */
  public long lastInsertRowId() {
    return locked(() -> (long) Sqlite3.last_insert_rowid.invokeExact(db));
  }

  /** Runs {@code PRAGMA integrity_check} and returns its lines ("ok" when the database is sound). */
  public List<String> integrityCheck() {
    List<String> out = new ArrayList<>();
    executeScript("PRAGMA integrity_check", row -> out.add(row.getFirst()));
    return out;
  }

  // ------------------------------------------------------------------ close

  /** Finalizes every statement and closes the connection; the actor's database may then be opened again. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      RuntimeException failure = null;
      try {
        for (Statement s : List.copyOf(statements)) {
          s.finalizeHandle();
        }
        statements.clear();
        cache.clear();
        int rc = (int) Sqlite3.close_v2.invokeExact(db);
        if (rc != SqliteCodes.OK) {
          failure = new SqliteException(rc, "closing the SQLite database: " + errmsg(db));
        }
      } catch (Throwable t) {
        failure = t instanceof RuntimeException r ? r : new IllegalStateException("closing the SQLite database failed", t);
      }
      try {
        if (guard != null) {
          guard.close();
        }
        if (vfs != null) {
          vfs.close();
        }
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
      if (actor != null) {
        actor.release(CLAIM);
      }
      if (failure != null) {
        throw failure;
      }
    } finally {
      lock.unlock();
    }
  }

  private void closeQuietly(Throwable primary) {
    try {
      close();
    } catch (RuntimeException e) {
      primary.addSuppressed(e);
    }
  }

  // ------------------------------------------------------------------ internals

  /** Work run under the database lock; may throw anything (FFM calls declare Throwable). */
  @FunctionalInterface
  interface Locked<T> {
    T run() throws Throwable;
  }

  <T> T locked(Locked<T> work) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the SQLite database is closed");
      }
      return work.run();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException("native SQLite call failed", t);
    } finally {
      lock.unlock();
    }
  }

  MemorySegment handle() {
    return db;
  }

  /** The name this database's VFS is registered under (null for a native file); for tests. */
  @VisibleForTesting
  String vfsName() {
    return vfs == null ? null : vfs.name();
  }

  boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /** Clears an error left by an earlier upcall so the next failure reports its own cause. */
  void beginCall() {
    if (vfs != null) {
      vfs.takeError();
    }
    if (guard != null) {
      guard.takeDenial();
    }
  }

  /** The VFS's Java failure behind the last SQLite error, if any (always null for a native file). */
  Throwable takeVfsError() {
    return vfs == null ? null : vfs.takeError();
  }

  void forget(Statement s) {
    statements.remove(s);
    cache.values().remove(s);
  }

  private Statement cached(String sql) throws Throwable {
    Statement s = cache.get(sql);
    if (s == null || s.isClosed()) {
      s = prepareOne(sql);
      statements.add(s);
      cache.put(sql, s);
    }
    return s;
  }

  private Statement prepareOne(String sql) throws Throwable {
    beginCall();
    try (Arena a = Arena.ofConfined()) {
      byte[] utf8 = sqlBytes(sql);
      MemorySegment text = nulTerminated(a, utf8);
      MemorySegment out = a.allocate(ADDRESS);
      MemorySegment tail = a.allocate(ADDRESS);
      int rc = (int) Sqlite3.prepare_v2.invokeExact(db, text, utf8.length + 1, out, tail);
      MemorySegment stmt = out.get(ADDRESS, 0);
      if (rc != SqliteCodes.OK) {
        if (!stmt.equals(MemorySegment.NULL)) {
          int ignored = (int) Sqlite3.finalize_.invokeExact(stmt);
        }
        throw error(rc, sql);
      }
      if (stmt.equals(MemorySegment.NULL)) {
        throw new IllegalArgumentException("no SQL statement in \"" + sql + "\"");
      }
      long rest = tail.get(ADDRESS, 0).address() - text.address();
      if (!new String(utf8, (int) rest, utf8.length - (int) rest, StandardCharsets.UTF_8).isBlank()) {
        int ignored = (int) Sqlite3.finalize_.invokeExact(stmt);
        throw new IllegalArgumentException("more than one SQL statement; use executeScript for scripts: " + sql);
      }
      return new Statement(this, sql, stmt);
    }
  }

  /** The exception for a failed SQLite call, with the VFS's Java cause for storage failures. */
  SqliteException error(int rc, String what) {
    String msg;
    try {
      msg = errmsg(db);
    } catch (Throwable t) {
      msg = "result code " + rc;
    }
    Throwable cause = vfs == null ? null : vfs.takeError();
    int primary = rc & 0xff;
    String denial = guard == null ? null : guard.takeDenial();
    if (denial != null) { // SQLite reports a refusal as "not authorized" (code AUTH or ERROR) without saying why
      msg = msg + " (" + denial + ")";
    }
    if (primary == SqliteCodes.IOERR || primary == SqliteCodes.FULL) {
      String detail = cause == null ? "" : " (" + cause.getMessage() + ")";
      return new SqliteStorageException(rc, msg + detail + " in: " + what, cause);
    }
    return new SqliteException(rc, msg + " in: " + what, cause);
  }

  private static String errmsg(MemorySegment db) throws Throwable {
    MemorySegment p = (MemorySegment) Sqlite3.errmsg.invokeExact(db);
    return p.reinterpret(Integer.MAX_VALUE).getString(0);
  }
}
