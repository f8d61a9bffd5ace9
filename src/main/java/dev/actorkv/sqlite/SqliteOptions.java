package dev.actorkv.sqlite;

/**
 * Options for {@link SqliteDatabase#open}. {@code pageSize} (a power of two, 512..65536) applies when the
 * database is created (SQLite ignores it for an existing one); {@code cacheSizeKiB} is SQLite's page
 * cache per connection ({@code PRAGMA cache_size=-N}); {@code statementCacheSize} is how many prepared
 * statements {@link SqliteDatabase#execute} and {@link SqliteDatabase#query} keep for reuse.
 */
public record SqliteOptions(int pageSize, int cacheSizeKiB, int statementCacheSize) {
  public static final SqliteOptions DEFAULTS = new SqliteOptions(4096, 8192, 64);

  public SqliteOptions {
    if (pageSize < 512 || pageSize > 65536 || Integer.bitCount(pageSize) != 1) {
      throw new IllegalArgumentException("page size must be a power of two in 512..65536: " + pageSize);
    }
    if (cacheSizeKiB < 0) {
      throw new IllegalArgumentException("cache size must be >= 0: " + cacheSizeKiB);
    }
    if (statementCacheSize < 0) {
      throw new IllegalArgumentException("statement cache size must be >= 0: " + statementCacheSize);
    }
  }

  public static SqliteOptions defaults() {
    return DEFAULTS;
  }

  public SqliteOptions withPageSize(int v) {
    return new SqliteOptions(v, cacheSizeKiB, statementCacheSize);
  }

  public SqliteOptions withCacheSizeKiB(int v) {
    return new SqliteOptions(pageSize, v, statementCacheSize);
  }

  public SqliteOptions withStatementCacheSize(int v) {
    return new SqliteOptions(pageSize, cacheSizeKiB, v);
  }
}
