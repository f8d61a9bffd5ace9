package dev.actorkv.sqlite;

/** The constants of sqlite3.h this package uses (values fixed by SQLite's ABI). */
final class SqliteCodes {
  private SqliteCodes() {}

  static final int OK = 0;
  static final int ERROR = 1;
  static final int BUSY = 5;
  static final int NOMEM = 7;
  static final int READONLY = 8;
  static final int FULL = 13;
  static final int IOERR = 10;
  static final int NOTFOUND = 12;
  static final int CANTOPEN = 14;
  static final int MISUSE = 21;
  static final int AUTH = 23;
  static final int RANGE = 25;
  static final int ROW = 100;
  static final int DONE = 101;

  static final int IOERR_READ = IOERR | (1 << 8);
  static final int IOERR_SHORT_READ = IOERR | (2 << 8);
  static final int IOERR_WRITE = IOERR | (3 << 8);
  static final int IOERR_FSYNC = IOERR | (4 << 8);
  static final int IOERR_TRUNCATE = IOERR | (6 << 8);
  static final int IOERR_FSTAT = IOERR | (7 << 8);
  static final int IOERR_UNLOCK = IOERR | (8 << 8);
  static final int IOERR_DELETE = IOERR | (10 << 8);
  static final int IOERR_ACCESS = IOERR | (13 << 8);
  static final int IOERR_CHECKRESERVEDLOCK = IOERR | (14 << 8);
  static final int IOERR_LOCK = IOERR | (15 << 8);
  static final int IOERR_CLOSE = IOERR | (16 << 8);

  // sqlite3_open_v2 and xOpen flags
  static final int OPEN_READONLY = 0x1;
  static final int OPEN_READWRITE = 0x2;
  static final int OPEN_CREATE = 0x4;
  static final int OPEN_DELETEONCLOSE = 0x8;
  static final int OPEN_URI = 0x40;
  static final int OPEN_MAIN_DB = 0x100;
  static final int OPEN_MAIN_JOURNAL = 0x800;
  static final int OPEN_WAL = 0x80000;
  static final int OPEN_EXRESCODE = 0x02000000;

  // sqlite3_db_config options (int, int*)
  static final int DBCONFIG_ENABLE_TRIGGER = 1003;
  static final int DBCONFIG_ENABLE_FTS3_TOKENIZER = 1004;
  static final int DBCONFIG_ENABLE_LOAD_EXTENSION = 1005;
  static final int DBCONFIG_DEFENSIVE = 1010;
  static final int DBCONFIG_WRITABLE_SCHEMA = 1011;
  static final int DBCONFIG_TRUSTED_SCHEMA = 1017;

  // sqlite3_limit categories
  static final int LIMIT_ATTACHED = 7;

  // authorizer: return values and the action codes it looks at
  static final int AUTH_OK = 0;
  static final int AUTH_DENY = 1;
  static final int ACTION_PRAGMA = 19;
  static final int ACTION_ATTACH = 24;
  static final int ACTION_FUNCTION = 31;

  // xAccess flags
  static final int ACCESS_EXISTS = 0;
  static final int ACCESS_READWRITE = 1;

  // lock levels
  static final int LOCK_NONE = 0;
  static final int LOCK_SHARED = 1;
  static final int LOCK_RESERVED = 2;

  // file controls
  static final int FCNTL_LOCKSTATE = 1;
  static final int FCNTL_SIZE_HINT = 5;
  static final int FCNTL_VFSNAME = 12;
  static final int FCNTL_PRAGMA = 14;
  static final int FCNTL_HAS_MOVED = 20;
  static final int FCNTL_SYNC = 21;
  static final int FCNTL_COMMIT_PHASETWO = 22;

  static final int IOCAP_SAFE_APPEND = 0x200;
  static final int IOCAP_POWERSAFE_OVERWRITE = 0x1000;

  // column types
  static final int INTEGER = 1;
  static final int FLOAT = 2;
  static final int TEXT = 3;
  static final int BLOB = 4;
  static final int NULL = 5;
}
