package dev.actorkv.store;

/**
 * How far a commit has reached when {@code commit} returns.
 *
 * <p>The default is {@link #WAL}: every commit is appended to RocksDB's write-ahead log before it
 * returns, but the log is not fsynced per commit. A crash of the process (including SIGKILL) loses no
 * committed write; a crash of the operating system or a power loss may lose the last commits (never
 * part of one: each commit is atomic in the log). Choose {@link #SYNC} to fsync on every commit, or call
 * {@link ActorStore#sync()} to fsync at chosen points; {@link ActorStore#close()} fsyncs the log (or, with
 * {@link #NONE}, flushes the memtables) before closing.
 *
 * <p>Implementation: {@code WAL} is RocksDB {@code WriteOptions} with {@code sync=false} and the WAL
 * enabled (each write reaches the OS page cache before returning); {@code SYNC} sets {@code sync=true};
 * {@code NONE} sets {@code disableWAL=true}. {@code StoreCrashTest} SIGKILLs a writer and checks that
 * every acknowledged {@code WAL} commit survives.
 */
public enum Durability {
  /** WAL written and fsynced on every commit: survives power loss. */
  SYNC,
  /** WAL written on every commit, fsynced by the OS in its own time: survives process crashes. */
  WAL,
  /** No WAL: writes reach disk only on flush or clean close. For bulk loads and scratch stores. */
  NONE
}
