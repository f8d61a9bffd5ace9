package dev.actorkv.reliability;

import dev.actorkv.store.ActorStore;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.postgres.PostgresEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * Hostile SQL: named attack vectors and a grammar of hostile fragments for random scripts, run on an
 * actor's SQLite database by {@link HostileSqlChild} (a child JVM, so that a crash in native code is
 * seen, not suffered) and judged by {@link HostileSqlCampaign}.
 *
 * <p>Scripts are templates: {@code ${outside}} is a directory outside the store (absolute), {@code
 * ${victimVfs}} the registered VFS name of another actor's open database in the same store, {@code
 * ${selfVfs}} the attacking connection's own VFS name. The attacking actor has a table {@code canary}.
 */
final class HostileSql {
  private HostileSql() {}

  /** What a vector must do: be refused with a typed {@code SqliteException}, or run and be harmless. */
  enum Expect {
    REFUSED,
    HARMLESS
  }

  record Vector(String name, String script, Expect expect) {}

  /**
   * The one place the campaigns get their store from, so the same vectors run on every engine: {@code
   * location} is a directory (RocksDB) or a {@code postgresql://} URI.
   */
  static ActorStore openStore(String location) {
    return location.startsWith("postgresql://")
        ? PostgresEngine.openStore(location, StoreOptions.defaults())
        : ActorStore.open(Path.of(location));
  }

  private static Vector refused(String name, String script) {
    return new Vector(name, script, Expect.REFUSED);
  }

  private static Vector harmless(String name, String script) {
    return new Vector(name, script, Expect.HARMLESS);
  }

  private static String inserts(String table, int from, int count) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      sb.append("INSERT INTO ").append(table).append(" VALUES (").append(i).append(", randomblob(300));");
    }
    return sb.toString();
  }

  static final List<Vector> VECTORS = List.of(
      // The five of issue 16.
      refused("fts3_tokenizer installs a pointer, fts3 calls it",
          "SELECT fts3_tokenizer('simple', x'4141414141414141'); CREATE VIRTUAL TABLE ft USING fts3(x, tokenize=simple);"
              + " INSERT INTO ft VALUES('a')"),
      refused("ATTACH a file through the unix VFS",
          "ATTACH 'file:${outside}/evil.db?vfs=unix' AS e; CREATE TABLE e.t(x)"),
      refused("VACUUM INTO a file through the unix VFS", "VACUUM INTO 'file:${outside}/x.db?vfs=unix'"),
      refused("ATTACH another actor's database through its VFS name",
          "ATTACH 'file:actor.db?vfs=${victimVfs}' AS v; SELECT * FROM v.secret; INSERT INTO v.secret VALUES (-1, 'pwned')"),
      refused("ATTACH the own database as a twin (two pagers)",
          "CREATE TABLE t1(x, y); CREATE TABLE t2(x, y); PRAGMA cache_size=2; ATTACH 'actor.db' AS twin; PRAGMA twin.cache_size=2;"
              + inserts("twin.t1", 0, 200) + inserts("main.t2", 0, 200) + inserts("twin.t1", 200, 200)),
      refused("writable_schema and an UPDATE of sqlite_master",
          "PRAGMA writable_schema=ON; UPDATE sqlite_master SET sql='CREATE TABLE canary(' WHERE name='canary'"),
      // fts3_tokenizer in every shape.
      refused("fts3_tokenizer one-argument form prints an address", "SELECT hex(fts3_tokenizer('simple'))"),
      refused("fts3_tokenizer in upper case", "SELECT hex(FTS3_TOKENIZER('porter'))"),
      refused("fts3_tokenizer registers a new name", "SELECT fts3_tokenizer('evil', x'0000000000000000')"),
      refused("fts3_tokenizer inside a view",
          "CREATE VIEW vv AS SELECT fts3_tokenizer('simple') AS p; SELECT hex(p) FROM vv"),
      refused("fts3_tokenizer inside a trigger",
          "CREATE TABLE tt(x); CREATE TRIGGER tr AFTER INSERT ON tt BEGIN SELECT fts3_tokenizer('simple', x'4141414141414141'); END;"
              + " INSERT INTO tt VALUES (1); CREATE VIRTUAL TABLE ft USING fts3(x, tokenize=simple); INSERT INTO ft VALUES('a')"),
      refused("fts3_tokenizer through a subquery argument",
          "SELECT fts3_tokenizer((SELECT 'simple'), (SELECT x'4242424242424242'))"),
      refused("fts4 with an unknown tokenizer", "CREATE VIRTUAL TABLE f4 USING fts4(x, tokenize=evil)"),
      harmless("fts3tokenize virtual table", "CREATE VIRTUAL TABLE tk USING fts3tokenize(porter); SELECT token FROM tk WHERE input='a bb'"),
      harmless("fts5 with built-in tokenizers",
          "CREATE VIRTUAL TABLE f5 USING fts5(x, tokenize='porter unicode61'); INSERT INTO f5 VALUES('running dogs');"
              + " SELECT count(*) FROM f5 WHERE f5 MATCH 'run'"),
      // Native code.
      refused("load_extension of a file", "SELECT load_extension('${outside}/evil.so')"),
      refused("load_extension of libc's system", "SELECT load_extension('libc.so.6', 'system')"),
      // Other ways to ATTACH.
      refused("ATTACH an absolute path", "ATTACH '${outside}/plain.db' AS p; CREATE TABLE p.t(x)"),
      refused("ATTACH a relative path", "ATTACH 'evil.db' AS e; CREATE TABLE e.t(x)"),
      refused("ATTACH :memory:", "ATTACH ':memory:' AS m; CREATE TABLE m.t(x)"),
      refused("ATTACH a shared-cache memory URI", "ATTACH 'file:shared?mode=memory&cache=shared' AS m; CREATE TABLE m.t(x)"),
      refused("ATTACH a computed name", "ATTACH 'file:' || '${outside}/expr.db?vfs=unix' AS e; CREATE TABLE e.t(x)"),
      refused("ATTACH through unix-dotfile", "ATTACH 'file:${outside}/d.db?vfs=unix-dotfile' AS d; CREATE TABLE d.t(x)"),
      refused("ATTACH through unix-none", "ATTACH 'file:${outside}/n.db?vfs=unix-none' AS d; CREATE TABLE d.t(x)"),
      refused("ATTACH through memdb", "ATTACH 'file:/m?vfs=memdb' AS m; CREATE TABLE m.t(x)"),
      refused("ATTACH the own file through the own VFS by URI", "ATTACH 'file:actor.db?vfs=${selfVfs}' AS s; SELECT * FROM s.canary"),
      refused("ATTACH the other actor's journal", "ATTACH 'file:actor.db-journal?vfs=${victimVfs}' AS j; SELECT * FROM j.sqlite_master"),
      refused("ATTACH read-only URI to another actor", "ATTACH 'file:actor.db?vfs=${victimVfs}&mode=ro' AS v; SELECT * FROM v.secret"),
      harmless("ATTACH '' (a private temporary database) and DETACH",
          "ATTACH '' AS scratch; CREATE TABLE scratch.t(x); INSERT INTO scratch.t VALUES (1); DETACH scratch"),
      // VACUUM.
      refused("VACUUM INTO an absolute path", "VACUUM INTO '${outside}/copy.db'"),
      refused("VACUUM INTO a relative path", "VACUUM INTO 'copy.db'"),
      refused("VACUUM INTO a computed name", "VACUUM INTO '${outside}' || '/expr-copy.db'"),
      refused("VACUUM INTO the own file name", "VACUUM INTO 'actor.db'"),
      refused("VACUUM INTO the other actor's VFS", "VACUUM INTO 'file:other.db?vfs=${victimVfs}'"),
      harmless("plain VACUUM still works", "INSERT INTO canary VALUES (99, 'v'); DELETE FROM canary WHERE id = 99; VACUUM"),
      harmless("VACUUM after page_size change", "PRAGMA page_size=1024; VACUUM; PRAGMA page_size"),
      // Pragmas that reach the process or undo a defence.
      refused("PRAGMA temp_store_directory", "PRAGMA temp_store_directory='${outside}'"),
      refused("PRAGMA hard_heap_limit", "PRAGMA hard_heap_limit=100000"),
      refused("PRAGMA soft_heap_limit", "PRAGMA soft_heap_limit=1"),
      harmless("pragma_hard_heap_limit table-valued function", "SELECT * FROM pragma_hard_heap_limit(100000)"),
      harmless("pragma_soft_heap_limit table-valued function", "SELECT * FROM pragma_soft_heap_limit(1)"),
      refused("PRAGMA trusted_schema=ON", "PRAGMA trusted_schema=ON"),
      refused("PRAGMA journal_mode=OFF", "PRAGMA journal_mode=OFF; INSERT INTO canary VALUES (50, 'x')"),
      refused("PRAGMA journal_mode=WAL", "PRAGMA journal_mode=WAL"),
      harmless("PRAGMA journal_mode=DELETE and writes", "PRAGMA journal_mode=DELETE; INSERT INTO canary VALUES (51, 'x'); DELETE FROM canary WHERE id=51"),
      harmless("PRAGMA mmap_size", "PRAGMA mmap_size=268435456; SELECT count(*) FROM canary"),
      harmless("PRAGMA temp_store=FILE with a large temp table",
          "PRAGMA temp_store=FILE; CREATE TEMP TABLE tmp AS SELECT randomblob(1000) FROM (WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c LIMIT 2000) SELECT i FROM c); SELECT count(*) FROM tmp"),
      harmless("PRAGMA schema_version write", "PRAGMA schema_version=12345; SELECT count(*) FROM canary"),
      harmless("PRAGMA locking_mode=NORMAL and writes", "PRAGMA locking_mode=NORMAL; INSERT INTO canary VALUES (52, 'x'); DELETE FROM canary WHERE id=52"),
      harmless("database_list", "SELECT * FROM pragma_database_list"),
      // Writing where only SQLite should write.
      refused("UPDATE sqlite_master without writable_schema", "UPDATE sqlite_master SET sql='x'"),
      refused("DELETE FROM sqlite_schema", "DELETE FROM sqlite_schema"),
      refused("pragma_writable_schema table-valued function then UPDATE",
          "SELECT * FROM pragma_writable_schema(1); UPDATE sqlite_master SET sql='CREATE TABLE canary(' WHERE name='canary'"),
      refused("write an fts4 shadow table",
          "CREATE VIRTUAL TABLE f3 USING fts4(x); INSERT INTO f3 VALUES('hello world'); UPDATE f3_segdir SET root=x'ff00ff0102';"
              + " SELECT * FROM f3 WHERE f3 MATCH 'hello'"),
      refused("write an fts5 shadow table",
          "CREATE VIRTUAL TABLE f5 USING fts5(x); INSERT INTO f5 VALUES('a b'); UPDATE f5_data SET block=x'00ffffffff';"
              + " SELECT * FROM f5 WHERE f5 MATCH 'a'"),
      refused("write an rtree shadow table",
          "CREATE VIRTUAL TABLE r USING rtree(id, a, b); INSERT INTO r VALUES (1, 0, 1); UPDATE r_node SET data=x'00ff'; SELECT * FROM r"),
      refused("sqlite_dbpage", "UPDATE sqlite_dbpage SET data=zeroblob(4096) WHERE pgno=1"),
      harmless("dbstat", "SELECT count(*) FROM dbstat"),
      // Resources.
      harmless("bounded recursive CTE", "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1000000) SELECT count(*) FROM c"),
      refused("a blob over SQLite's length limit", "SELECT length(zeroblob(2000000000))"),
      refused("expression nesting beyond the limit", "SELECT " + "(".repeat(5000) + "1" + ")".repeat(5000)));

  // ------------------------------------------------------------------ grammar of hostile fragments

  private static final List<String> VFS_NAMES = List.of(
      "unix", "unix-dotfile", "unix-excl", "unix-none", "memdb", "${victimVfs}", "${selfVfs}", "nosuchvfs");
  private static final List<String> FILE_NAMES = List.of(
      "actor.db", "actor.db-journal", "actor.db-wal", "${outside}/g.db", "g.db", "", ":memory:", "/dev/null",
      "${outside}/../g2.db", "other.db");
  private static final List<String> SETTABLE_PRAGMAS = List.of(
      "temp_store_directory='${outside}'", "hard_heap_limit=1000", "soft_heap_limit=1", "trusted_schema=ON",
      "writable_schema=ON", "writable_schema=RESET", "journal_mode=OFF", "journal_mode=WAL", "journal_mode=DELETE",
      "journal_mode=TRUNCATE", "journal_mode=PERSIST", "journal_mode=MEMORY", "locking_mode=NORMAL",
      "locking_mode=EXCLUSIVE", "mmap_size=1000000", "cache_size=2", "page_size=512", "page_size=65536",
      "auto_vacuum=FULL", "schema_version=7", "user_version=3", "temp_store=FILE", "secure_delete=ON",
      "cell_size_check=ON", "foreign_keys=ON", "recursive_triggers=ON", "threads=4", "query_only=ON",
      "query_only=OFF", "synchronous=OFF", "max_page_count=10", "max_page_count=1073741823");
  private static final List<String> FUNCTIONS = List.of(
      "fts3_tokenizer('simple')", "fts3_tokenizer('simple', x'4141414141414141')", "fts3_tokenizer('porter', zeroblob(8))",
      "load_extension('libc.so.6')", "load_extension('${outside}/x.so', 'init')", "sqlite_compileoption_get(3)",
      "zeroblob(100000)", "randomblob(10000)", "printf('%.*c', 100000, 'x')", "hex(randomblob(16))",
      "sqlite_source_id()", "char(0)", "unicode(char(1114111))", "quote(x'00')", "typeof(fts5_source_id())");
  private static final List<String> VTABS = List.of(
      "fts3(x, tokenize=simple)", "fts4(x, tokenize=porter)", "fts4(x, tokenize=unicode61)", "fts3(x, tokenize=evil)",
      "fts5(x)", "fts5(x, tokenize='trigram')", "rtree(id, a, b)", "fts3tokenize(simple)", "fts4aux(canary)",
      "dbstat", "sqlite_stmt");
  private static final List<String> SHADOW_WRITES = List.of(
      "UPDATE v%d_segdir SET root=randomblob(20)", "INSERT INTO v%d_content VALUES (1, 'x')", "UPDATE v%d_data SET block=randomblob(9)",
      "DELETE FROM v%d_idx", "UPDATE v%d_node SET data=randomblob(30)", "UPDATE v%d_stat SET value=randomblob(4)");

  private static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  private static String target(Random r) {
    String file = pick(r, FILE_NAMES);
    return switch (r.nextInt(4)) {
      case 0 -> "'" + file + "'";
      case 1 -> "'file:" + file + "?vfs=" + pick(r, VFS_NAMES) + "'";
      case 2 -> "'file:" + file + "?vfs=" + pick(r, VFS_NAMES) + "&mode=" + pick(r, List.of("ro", "rw", "rwc", "memory")) + "'";
      default -> "'fi' || 'le:" + file + "?vfs=' || '" + pick(r, VFS_NAMES) + "'";
    };
  }

  /** One hostile statement. */
  private static String fragment(Random r, int n) {
    return switch (r.nextInt(14)) {
      case 0, 1 -> "ATTACH " + target(r) + " AS a" + n;
      case 2 -> "VACUUM INTO " + target(r);
      case 3 -> "VACUUM";
      case 4, 5 -> "PRAGMA " + pick(r, SETTABLE_PRAGMAS);
      case 6 -> "SELECT * FROM pragma_" + pick(r, List.of("hard_heap_limit", "soft_heap_limit", "writable_schema", "trusted_schema",
          "temp_store_directory", "journal_mode", "table_info")) + "(" + pick(r, List.of("1", "'canary'", "'${outside}'", "'wal'")) + ")";
      case 7, 8 -> "SELECT " + pick(r, FUNCTIONS);
      case 9 -> "CREATE VIRTUAL TABLE IF NOT EXISTS v" + n + " USING " + pick(r, VTABS);
      case 10 -> String.format(pick(r, SHADOW_WRITES), r.nextInt(n + 1));
      case 11 -> pick(r, List.of(
          "UPDATE sqlite_master SET sql='CREATE TABLE canary(' WHERE name='canary'", "DELETE FROM sqlite_schema",
          "INSERT INTO canary VALUES (" + (1000 + n) + ", randomblob(2000))", "DELETE FROM canary WHERE id > 100",
          "CREATE TABLE IF NOT EXISTS t" + n + "(x)", "DROP TABLE IF EXISTS t" + (n - 1), "UPDATE sqlite_dbpage SET data=zeroblob(512)"));
      case 12 -> "CREATE " + pick(r, List.of("TEMP ", "")) + "TRIGGER IF NOT EXISTS tr" + n + " AFTER INSERT ON canary BEGIN SELECT "
          + pick(r, FUNCTIONS) + "; END";
      default -> pick(r, List.of("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT s", "RELEASE s", "DETACH a" + (n - 1),
          "CREATE VIEW IF NOT EXISTS w" + n + " AS SELECT " + pick(r, FUNCTIONS)));
    };
  }

  /** A random hostile script of 1 to 6 statements; the same (seed, index) always gives the same script. */
  static String randomScript(long seed, long index) {
    Random r = new Random(seed * 1_000_003L + index);
    int statements = 1 + r.nextInt(6);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < statements; i++) {
      sb.append(fragment(r, i)).append(";\n");
    }
    return sb.toString();
  }
}
