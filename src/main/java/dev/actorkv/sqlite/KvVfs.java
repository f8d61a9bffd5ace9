package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.LimitExceededException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code sqlite3_vfs} serving one actor's SQLite files from its keyspace, through {@link PageStore}s.
 * Each {@link SqliteDatabase} registers its own instance under a unique name, so there is no global
 * registry: the VFS knows its actor. It serves that one connection only: it opens the actor's database
 * file once, its journal only beside it, each only as what it is, and no URI names, so neither an
 * ATTACH naming it nor another connection can put a second pager on the actor's pages.
 *
 * <p>Atomic commits: writes to the main database file are staged in memory and reach the store as ONE
 * batch at {@code SQLITE_FCNTL_COMMIT_PHASETWO}, which the pager sends (and whose result it checks) after
 * every write, truncation and sync of a committed transaction, with any mode of {@code synchronous}. The
 * database opens with an in-memory rollback journal, so the store only ever holds complete transactions;
 * a rollback sends no phase two and its staged writes restore the committed bytes. When the user switches
 * to an on-store journal ({@code journal_mode=DELETE/TRUNCATE/PERSIST}), journal writes are written
 * through (each one batch) and staged main-file writes are also flushed at every sync of the main file,
 * which is the ordering SQLite's journal protocol (including hot-journal rollback) relies on. Unlock to
 * SHARED or NONE, the end of a transaction in normal locking mode, flushes too.
 *
 * <p>Only the file methods are Java upcalls. Clock, randomness, sleep and dynamic loading are the unix
 * VFS's own C functions (they ignore the VFS argument), which spares an upcall stub and a generated class
 * per method when a database opens.
 *
 * <p>Upcalls never let an exception cross into C: each catches everything, records the Java cause for
 * {@link #takeError()} and returns an SQLITE_IOERR code, after which the staged writes are gone (memory
 * and store hold the last committed transaction).
 */
final class KvVfs implements AutoCloseable {
  static final String DB_NAME = "actor.db";
  private static final int MAX_PATHNAME = 512;
  private static final int SECTOR_SIZE = 4096;
  private static final long FILE_ID = VfsLayouts.offset(VfsLayouts.FILE, "fileId");
  /** sqlite3_vfs methods taken from the unix VFS (see the constructor). */
  private static final List<String> OS_SERVICES = List.of(
      "xDlOpen", "xDlError", "xDlSym", "xDlClose", "xRandomness", "xSleep", "xCurrentTime", "xCurrentTimeInt64");

  /** A method SQLite calls through a function pointer, with its C signature. */
  private record Upcall(String method, FunctionDescriptor signature) {}

  private static final FunctionDescriptor INT_OF_PTR = FunctionDescriptor.of(JAVA_INT, ADDRESS);
  /** The sqlite3_io_methods methods, which SQLite calls on an open file. */
  private static final List<Upcall> IO_UPCALLS = List.of(
      new Upcall("xClose", INT_OF_PTR),
      new Upcall("xRead", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG)),
      new Upcall("xWrite", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG)),
      new Upcall("xTruncate", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG)),
      new Upcall("xSync", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
      new Upcall("xFileSize", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
      new Upcall("xLock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
      new Upcall("xUnlock", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
      new Upcall("xCheckReservedLock", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
      new Upcall("xFileControl", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS)),
      new Upcall("xSectorSize", INT_OF_PTR),
      new Upcall("xDeviceCharacteristics", INT_OF_PTR));
  /** The sqlite3_vfs methods served in Java (the others are the unix VFS's, see the constructor). */
  private static final List<Upcall> VFS_UPCALLS = List.of(
      new Upcall("xOpen", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS)),
      new Upcall("xDelete", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)),
      new Upcall("xAccess", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS)),
      new Upcall("xFullPathname", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS)));

  /** Every distinct signature of the VFS's upcalls, for {@link SqliteDatabase#linkNativeCalls()}. */
  static Set<FunctionDescriptor> upcallSignatures() {
    Set<FunctionDescriptor> all = new LinkedHashSet<>();
    IO_UPCALLS.forEach(u -> all.add(u.signature()));
    VFS_UPCALLS.forEach(u -> all.add(u.signature()));
    return all;
  }

  private final ActorKeyspace actor;
  private final Arena arena = Arena.ofShared();
  private final String name;
  private final MemorySegment vfs;
  private final MemorySegment ioMethods;
  private final Map<Long, OpenFile> files = new HashMap<>();
  private final EnumMap<SqliteFile, PageStore> stores = new EnumMap<>(SqliteFile.class);
  private long nextFileId = 1;
  private Throwable lastError;
  private boolean registered;

  /** The Java side of one open {@code sqlite3_file}. */
  private static final class OpenFile {
    final SqliteFile kind; // null for temporary files
    final PageStore store; // null for temporary files
    final MemoryFile memory; // null for actor files
    final boolean stagedUntilSync;
    final boolean deleteOnClose;
    int lock;

    OpenFile(SqliteFile kind, PageStore store, MemoryFile memory, boolean stagedUntilSync, boolean deleteOnClose) {
      this.kind = kind;
      this.store = store;
      this.memory = memory;
      this.stagedUntilSync = stagedUntilSync;
      this.deleteOnClose = deleteOnClose;
    }

    long size() {
      return store != null ? store.size() : memory.size();
    }
  }

  KvVfs(ActorKeyspace actor) {
    this.actor = actor;
    MemorySegment unix = unixVfs(); // before allocating anything: it may fail
    Linker linker = Linker.nativeLinker();
    ioMethods = arena.allocate(VfsLayouts.IO_METHODS);
    ioMethods.set(JAVA_INT, VfsLayouts.offset(VfsLayouts.IO_METHODS, "iVersion"), 1);
    for (Upcall u : IO_UPCALLS) {
      setIo(linker, u.method(), u.signature());
    }
    vfs = arena.allocate(VfsLayouts.VFS);
    // Unique among registered VFSes: the struct's address is not reused while it is registered.
    name = "actorkv-" + Long.toHexString(vfs.address());
    vfs.set(JAVA_INT, VfsLayouts.offset(VfsLayouts.VFS, "iVersion"), 2);
    vfs.set(JAVA_INT, VfsLayouts.offset(VfsLayouts.VFS, "szOsFile"), (int) VfsLayouts.FILE.byteSize());
    vfs.set(JAVA_INT, VfsLayouts.offset(VfsLayouts.VFS, "mxPathname"), MAX_PATHNAME);
    vfs.set(ADDRESS, VfsLayouts.offset(VfsLayouts.VFS, "zName"), arena.allocateFrom(name));
    for (Upcall u : VFS_UPCALLS) {
      setVfs(linker, u.method(), u.signature());
    }
    // Services that have nothing to do with files come from SQLite's own unix VFS, whose
    // implementations ignore the VFS argument: no upcall stub (and no generated class) for each.
    for (String service : OS_SERVICES) {
      long at = VfsLayouts.offset(VfsLayouts.VFS, service);
      vfs.set(ADDRESS, at, unix.get(ADDRESS, at));
    }
    // xGetLastError stays NULL: SQLite then reports 0 as the system error number, and the Java cause
    // of a failure travels through takeError() instead.
  }

  /**
   * SQLite's built-in unix VFS. Found by name, not as the process default, which may be a shim that
   * needs its own struct (pAppData) in the calls we would forward.
   */
  private static MemorySegment unixVfs() {
    MemorySegment unix;
    try (Arena a = Arena.ofConfined()) {
      unix = (MemorySegment) Sqlite3.vfs_find.invokeExact(a.allocateFrom("unix"));
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_vfs_find failed", t);
    }
    if (unix.equals(MemorySegment.NULL)) {
      throw new SqliteUnavailableException("the loaded libsqlite3 has no \"unix\" VFS; " + SqliteLibrary.PACKAGE_HINT);
    }
    unix = unix.reinterpret(VfsLayouts.VFS.byteSize());
    if (unix.get(JAVA_INT, VfsLayouts.offset(VfsLayouts.VFS, "iVersion")) < 2) {
      throw new SqliteUnavailableException("the loaded libsqlite3's unix VFS is older than version 2; " + SqliteLibrary.PACKAGE_HINT);
    }
    return unix;
  }

  private void setIo(Linker linker, String method, FunctionDescriptor fd) {
    ioMethods.set(ADDRESS, VfsLayouts.offset(VfsLayouts.IO_METHODS, method), stub(linker, method, fd));
  }

  private void setVfs(Linker linker, String method, FunctionDescriptor fd) {
    vfs.set(ADDRESS, VfsLayouts.offset(VfsLayouts.VFS, method), stub(linker, method, fd));
  }

  private MemorySegment stub(Linker linker, String method, FunctionDescriptor fd) {
    try {
      MethodType type = fd.toMethodType();
      MethodHandle target = MethodHandles.lookup().findVirtual(KvVfs.class, method, type).bindTo(this);
      return linker.upcallStub(target, fd, arena);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalStateException("VFS method " + method + " does not match its C signature", e);
    }
  }

  String name() {
    return name;
  }

  MemorySegment address() {
    return vfs;
  }

  void register() {
    int rc;
    try {
      rc = (int) Sqlite3.vfs_register.invokeExact(vfs, 0);
    } catch (Throwable t) {
      throw new IllegalStateException("sqlite3_vfs_register failed", t);
    }
    if (rc != SqliteCodes.OK) {
      throw new SqliteException(rc, "cannot register the actor-kv VFS (SQLite result code " + rc + ")");
    }
    registered = true;
  }

  /** The Java error behind the last SQLITE_IOERR this VFS returned, cleared by the call. */
  Throwable takeError() {
    Throwable t = lastError;
    lastError = null;
    return t;
  }

  /** The main file's page store (opened on first use). */
  PageStore mainStore() {
    return store(SqliteFile.MAIN);
  }

  private PageStore store(SqliteFile file) {
    PageStore store = stores.get(file);
    if (store == null) {
      store = PageStore.open(actor, file);
      stores.put(file, store);
    }
    return store;
  }

  /** Unregisters the VFS and frees its upcall stubs; call after the connection is closed. */
  @Override
  public void close() {
    if (registered) {
      try {
        int rc = (int) Sqlite3.vfs_unregister.invokeExact(vfs);
        if (rc != SqliteCodes.OK) {
          throw new SqliteException(rc, "cannot unregister the actor-kv VFS");
        }
      } catch (RuntimeException e) {
        throw e;
      } catch (Throwable t) {
        throw new IllegalStateException("sqlite3_vfs_unregister failed", t);
      }
      registered = false;
    }
    arena.close();
  }

  // ------------------------------------------------------------------ helpers

  private int fail(Throwable t, int code) {
    lastError = t;
    if (t instanceof LimitExceededException) {
      return SqliteCodes.FULL;
    }
    return code;
  }

  private static SqliteFile fileOf(String path) {
    if (path.equals(DB_NAME)) {
      return SqliteFile.MAIN;
    }
    if (path.equals(DB_NAME + "-journal")) {
      return SqliteFile.JOURNAL;
    }
    if (path.equals(DB_NAME + "-wal")) {
      return SqliteFile.WAL;
    }
    if (path.equals(DB_NAME + "-shm")) {
      return SqliteFile.SHM;
    }
    return null;
  }

  private OpenFile file(MemorySegment sqliteFile) {
    long id = sqliteFile.reinterpret(VfsLayouts.FILE.byteSize()).get(JAVA_LONG, FILE_ID);
    OpenFile f = files.get(id);
    if (f == null) {
      throw new IllegalStateException("unknown sqlite3_file id " + id);
    }
    return f;
  }

  private int flush(OpenFile f, int errorCode) {
    if (f.store == null || !f.store.hasStagedChanges()) {
      return SqliteCodes.OK;
    }
    try {
      f.store.commit(); // discards the staged writes itself when it fails
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, errorCode);
    }
  }

  /**
   * A sync of a file. With the in-memory journal the main file's staged writes wait for commit phase
   * two (a VACUUM, for one, syncs before its final truncation); with a journal file in the store, SQLite
   * needs the main file durable at each sync, before it finalizes or deletes the journal.
   */
  private int syncPoint(OpenFile f) {
    if (!f.stagedUntilSync || journalFileOpen()) {
      return flush(f, SqliteCodes.IOERR_FSYNC);
    }
    return SqliteCodes.OK;
  }

  private boolean journalFileOpen() {
    for (OpenFile o : files.values()) {
      if (o.store != null && !o.stagedUntilSync) {
        return true;
      }
    }
    return false;
  }

  private static String cString(MemorySegment p) {
    return p.reinterpret(Integer.MAX_VALUE).getString(0);
  }

  // ------------------------------------------------------------------ sqlite3_vfs methods

  int xOpen(MemorySegment pVfs, MemorySegment zName, MemorySegment pFile, int flags, MemorySegment pOutFlags) {
    try {
      MemorySegment file = pFile.reinterpret(VfsLayouts.FILE.byteSize());
      file.set(ADDRESS, 0, MemorySegment.NULL); // no xClose unless the open succeeds
      OpenFile open;
      if (zName.equals(MemorySegment.NULL)) {
        open = new OpenFile(null, null, new MemoryFile(), false, true);
      } else {
        String path = cString(zName);
        SqliteFile kind = fileOf(path);
        String refusal = refusal(path, kind, flags);
        if (refusal != null) {
          lastError = new SqliteException(SqliteCodes.CANTOPEN, refusal);
          return SqliteCodes.CANTOPEN;
        }
        if (kind == null) {
          open = new OpenFile(null, null, new MemoryFile(), false, true);
        } else {
          PageStore store = store(kind);
          store.reload();
          open = new OpenFile(kind, store, null, kind == SqliteFile.MAIN, (flags & SqliteCodes.OPEN_DELETEONCLOSE) != 0);
        }
      }
      long id = nextFileId++;
      files.put(id, open);
      file.set(JAVA_LONG, FILE_ID, id);
      file.set(ADDRESS, 0, ioMethods);
      if (!pOutFlags.equals(MemorySegment.NULL)) {
        pOutFlags.reinterpret(4).set(JAVA_INT, 0, flags);
      }
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.CANTOPEN);
    }
  }

  /**
   * Why {@code path} must not be opened, or null. This VFS serves exactly one connection: the one
   * {@link SqliteDatabase} opened on its actor. Another connection could still find it by its
   * registered name (an ATTACH naming it with {@code vfs=}), and a second pager on the actor's file,
   * with no locking between the two, corrupts it; so the main file opens once, and its journal only
   * while it is open. URI parameters could redirect the open, so a URI is refused outright.
   */
  private String refusal(String path, SqliteFile kind, int flags) {
    if ((flags & SqliteCodes.OPEN_URI) != 0) {
      return "the actor-kv VFS refuses URI file names: \"" + path + "\"";
    }
    if (kind == null) {
      // A temporary file SQLite names itself (deleted on close) lives in memory; nothing else opens.
      return (flags & SqliteCodes.OPEN_DELETEONCLOSE) != 0 ? null
          : "the actor-kv VFS holds one database per actor; cannot open \"" + path + "\"";
    }
    int expectedType = switch (kind) {
      case MAIN -> SqliteCodes.OPEN_MAIN_DB;
      case JOURNAL -> SqliteCodes.OPEN_MAIN_JOURNAL;
      case WAL -> SqliteCodes.OPEN_WAL;
      case SHM -> 0; // SQLite maps shared memory through xShmMap, never through xOpen
    };
    if ((flags & expectedType) == 0) {
      // Another connection opening the journal's pages as its database, for one.
      return "the actor-kv VFS opens \"" + path + "\" only as what it is (SQLite open flags 0x" + Integer.toHexString(flags) + ")";
    }
    boolean mainOpen = isOpen(SqliteFile.MAIN);
    if (kind == SqliteFile.MAIN) {
      return mainOpen ? "the actor's database is already open on this VFS; a second connection or ATTACH would corrupt it" : null;
    }
    if (!mainOpen) {
      return "the actor-kv VFS opens \"" + path + "\" only beside its open database";
    }
    return isOpen(kind) ? "\"" + path + "\" is already open" : null;
  }

  private boolean isOpen(SqliteFile kind) {
    for (OpenFile o : files.values()) {
      if (o.kind == kind) {
        return true;
      }
    }
    return false;
  }

  int xDelete(MemorySegment pVfs, MemorySegment zName, int syncDir) {
    try {
      SqliteFile kind = fileOf(cString(zName));
      if (kind != null) {
        store(kind).deleteFile();
      }
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_DELETE);
    }
  }

  int xAccess(MemorySegment pVfs, MemorySegment zName, int flags, MemorySegment pResOut) {
    try {
      SqliteFile kind = fileOf(cString(zName));
      boolean exists = kind != null && (kind == SqliteFile.MAIN || store(kind).size() > 0 || store(kind).exists());
      pResOut.reinterpret(4).set(JAVA_INT, 0, exists ? 1 : 0);
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_ACCESS);
    }
  }

  int xFullPathname(MemorySegment pVfs, MemorySegment zName, int nOut, MemorySegment zOut) {
    try {
      byte[] path = cString(zName).getBytes(StandardCharsets.UTF_8);
      if (path.length + 1 > nOut) {
        return SqliteCodes.CANTOPEN;
      }
      MemorySegment out = zOut.reinterpret(nOut);
      MemorySegment.copy(path, 0, out, JAVA_BYTE, 0, path.length);
      out.set(JAVA_BYTE, path.length, (byte) 0);
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.CANTOPEN);
    }
  }

  // ------------------------------------------------------------------ sqlite3_io_methods

  int xClose(MemorySegment pFile) {
    try {
      long id = pFile.reinterpret(VfsLayouts.FILE.byteSize()).get(JAVA_LONG, FILE_ID);
      OpenFile f = files.remove(id);
      if (f != null && f.store != null) {
        // SQLite has rolled back anything uncommitted before closing; drop what is left staged.
        f.store.discard();
        if (f.deleteOnClose) {
          f.store.deleteFile();
        }
      }
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_CLOSE);
    }
  }

  int xRead(MemorySegment pFile, MemorySegment buf, int amt, long offset) {
    try {
      OpenFile f = file(pFile);
      MemorySegment dst = buf.reinterpret(amt);
      int n = f.store != null ? f.store.read(offset, dst) : f.memory.read(offset, dst);
      return n < amt ? SqliteCodes.IOERR_SHORT_READ : SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_READ);
    }
  }

  int xWrite(MemorySegment pFile, MemorySegment buf, int amt, long offset) {
    OpenFile f = null;
    try {
      f = file(pFile);
      MemorySegment src = buf.reinterpret(amt);
      if (f.store == null) {
        f.memory.write(offset, src);
        return SqliteCodes.OK;
      }
      f.store.write(offset, src);
      return f.stagedUntilSync ? SqliteCodes.OK : flush(f, SqliteCodes.IOERR_WRITE);
    } catch (Throwable t) {
      if (f != null && f.store != null && !f.stagedUntilSync) {
        f.store.discard();
      }
      return fail(t, SqliteCodes.IOERR_WRITE);
    }
  }

  int xTruncate(MemorySegment pFile, long size) {
    try {
      OpenFile f = file(pFile);
      if (f.store == null) {
        f.memory.truncate(size);
        return SqliteCodes.OK;
      }
      f.store.truncate(size);
      return f.stagedUntilSync ? SqliteCodes.OK : flush(f, SqliteCodes.IOERR_TRUNCATE);
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_TRUNCATE);
    }
  }

  int xSync(MemorySegment pFile, int flags) {
    try {
      return syncPoint(file(pFile));
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_FSYNC);
    }
  }

  int xFileSize(MemorySegment pFile, MemorySegment pSize) {
    try {
      pSize.reinterpret(8).set(JAVA_LONG, 0, file(pFile).size());
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_FSTAT);
    }
  }

  int xLock(MemorySegment pFile, int level) {
    try {
      OpenFile f = file(pFile);
      f.lock = Math.max(f.lock, level);
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_LOCK);
    }
  }

  int xUnlock(MemorySegment pFile, int level) {
    try {
      OpenFile f = file(pFile);
      int rc = SqliteCodes.OK;
      if (level <= SqliteCodes.LOCK_SHARED && f.stagedUntilSync) {
        // End of a write transaction: whatever is still staged belongs to it.
        rc = flush(f, SqliteCodes.IOERR_UNLOCK);
      }
      f.lock = Math.min(f.lock, level);
      return rc;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_UNLOCK);
    }
  }

  int xCheckReservedLock(MemorySegment pFile, MemorySegment pResOut) {
    try {
      file(pFile);
      // One connection per actor database (SqliteDatabase enforces it), so no other holder exists.
      pResOut.reinterpret(4).set(JAVA_INT, 0, 0);
      return SqliteCodes.OK;
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR_CHECKRESERVEDLOCK);
    }
  }

  int xFileControl(MemorySegment pFile, int op, MemorySegment pArg) {
    try {
      OpenFile f = file(pFile);
      return switch (op) {
        case SqliteCodes.FCNTL_SYNC -> syncPoint(f);
        case SqliteCodes.FCNTL_COMMIT_PHASETWO -> flush(f, SqliteCodes.IOERR_FSYNC);
        case SqliteCodes.FCNTL_LOCKSTATE -> {
          pArg.reinterpret(4).set(JAVA_INT, 0, f.lock);
          yield SqliteCodes.OK;
        }
        case SqliteCodes.FCNTL_HAS_MOVED -> {
          pArg.reinterpret(4).set(JAVA_INT, 0, 0);
          yield SqliteCodes.OK;
        }
        case SqliteCodes.FCNTL_PRAGMA -> pragma(pArg);
        default -> SqliteCodes.NOTFOUND;
      };
    } catch (Throwable t) {
      return fail(t, SqliteCodes.IOERR);
    }
  }

  /**
   * Refuses the pragmas that would break atomic commits: {@code journal_mode=OFF} (no rollback) and
   * {@code journal_mode=WAL} (needs shared memory, which this VFS does not offer).
   */
  private int pragma(MemorySegment pArg) {
    MemorySegment args = pArg.reinterpret(3 * ADDRESS.byteSize());
    MemorySegment namePtr = args.getAtIndex(ADDRESS, 1);
    MemorySegment valuePtr = args.getAtIndex(ADDRESS, 2);
    if (namePtr.equals(MemorySegment.NULL) || valuePtr.equals(MemorySegment.NULL)) {
      return SqliteCodes.NOTFOUND;
    }
    String pragma = cString(namePtr).toLowerCase(Locale.ROOT);
    String value = cString(valuePtr).trim().toLowerCase(Locale.ROOT);
    if (pragma.equals("journal_mode") && (value.equals("off") || value.equals("wal"))) {
      String msg = "journal_mode=" + value + " is not supported on actor-kv SQLite (commits must stay atomic); use MEMORY or DELETE";
      byte[] bytes = msg.getBytes(StandardCharsets.UTF_8);
      MemorySegment m;
      try {
        m = ((MemorySegment) Sqlite3.Rare.malloc.invokeExact(bytes.length + 1)).reinterpret(bytes.length + 1);
      } catch (Throwable t) {
        return SqliteCodes.ERROR;
      }
      if (!m.equals(MemorySegment.NULL)) {
        MemorySegment.copy(bytes, 0, m, JAVA_BYTE, 0, bytes.length);
        m.set(JAVA_BYTE, bytes.length, (byte) 0);
        args.setAtIndex(ADDRESS, 0, m);
      }
      return SqliteCodes.ERROR;
    }
    return SqliteCodes.NOTFOUND;
  }

  int xSectorSize(MemorySegment pFile) {
    return SECTOR_SIZE;
  }

  int xDeviceCharacteristics(MemorySegment pFile) {
    return SqliteCodes.IOCAP_POWERSAFE_OVERWRITE;
  }
}
