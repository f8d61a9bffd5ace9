/**
 * SQLite on VFS pages: the system libsqlite3 (through the Java FFM API, no JNI, no JDBC driver) running
 * on each actor's keyspace.
 *
 * <h2>Storage layout (namespace {@code [08][01]}, ACTOR_KV_STRUCTURE.md sections 1 and 4)</h2>
 * <ul>
 *   <li>{@code [08][01][00][tag]}: the size record of file {@code tag} (0 main, 1 journal, 2 wal, 3 shm):
 *       exactly 10 bytes, u16 little-endian version 1 then the file size as u64 little-endian
 *       ({@code FileMeta}). Absent for a file that never had content.</li>
 *   <li>{@code [08][01][01][tag] + u32be(i)}: chunk {@code i}, the raw file bytes
 *       {@code [i*4096, (i+1)*4096)}; every chunk but the last holds 4096 bytes, the last one
 *       {@code size - i*4096}; no chunk lies past the size; a chunk missing inside the file reads as
 *       zeros.</li>
 * </ul>
 * The size record is derived data: when it is missing or does not decode it is rebuilt from the last
 * chunk key and that chunk's length (one reverse seek) and written back. This is the byte layout of the
 * reference TypeScript runtime's KV VFS, so a database written by it opens unchanged.
 *
 * <h2>Atomic commits</h2>
 * The database runs with an in-memory rollback journal and SQLite's exclusive locking mode (one
 * {@link dev.actorkv.sqlite.SqliteDatabase} per actor per process). The VFS stages every write and
 * truncation of the main file in memory ({@link dev.actorkv.sqlite.PageStore}) and writes them, with
 * the new size and the deletion of chunks past it, as ONE store batch when SQLite signals the end of the
 * commit ({@code SQLITE_FCNTL_COMMIT_PHASETWO}). The store therefore only ever holds complete
 * transactions: after a crash at any moment the database is exactly the last committed transaction.
 * A storage failure becomes an SQLITE_IOERR code inside SQLite (SQLite rolls back) and a
 * {@link dev.actorkv.sqlite.SqliteStorageException} carrying the cause for the caller.
 */
package dev.actorkv.sqlite;
