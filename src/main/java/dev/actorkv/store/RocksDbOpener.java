package dev.actorkv.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.IndexType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Logger;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;

/**
 * Everything about how the store's RocksDB database is configured and opened: table settings, the
 * write-ahead-log recovery mode, read-only opens, the refusal of damaged directories, and the tolerant
 * open used by {@link StoreRepair}. {@link ActorStore} opens its database only through here.
 */
final class RocksDbOpener {
  static {
    RocksDbLibrary.load();
  }

  private static final System.Logger LOG = System.getLogger("dev.actorkv.store.rocksdb");

  /**
   * The WAL recovery mode of every ordinary open. A record torn at the very end of a log is what a crash
   * in the middle of an unsynced write leaves (and a live writer's log, seen by a reader, may end in one):
   * those are tolerated, as the durability contract allows losing the last unsynced commits. Damage
   * anywhere else, such as a flipped byte in the middle, makes the open fail, naming the log, and deletes
   * nothing. RocksDB's default (point-in-time recovery) would instead stop replaying at the damage,
   * silently drop every later commit and then delete the log; only {@link StoreRepair} does that, on
   * request, after copying the store aside.
   */
  static final WALRecoveryMode STRICT_WAL = WALRecoveryMode.TolerateCorruptedTailRecords;

  /**
   * RocksDB rolls its own info log (LOG -> LOG.old.<time>) on every writable open and by default never
   * deletes the old ones: a store opened by many short processes (the keyspace tool, tests) would pile them
   * up. A few recent ones are kept for diagnosis, each capped in size.
   */
  static final int KEPT_INFO_LOGS = 3;
  static final long MAX_INFO_LOG_BYTES = 1 << 20;

  private RocksDbOpener() {}

  /** An open database and the native objects its options point to, released after it. */
  static final class Handle implements AutoCloseable {
    final RocksDB db;
    private final Options options;
    private final TableResources tables;
    private final Logger logger;

    private Handle(RocksDB db, Options options, TableResources tables, Logger logger) {
      this.db = db;
      this.options = options;
      this.tables = tables;
      this.logger = logger;
    }

    @Override
    public void close() {
      db.close();
      options.close();
      tables.close();
      if (logger != null) {
        logger.close();
      }
    }
  }

  /**
   * Opens the store in {@code dir} as {@code options} say: read-only, or writable (creating it when it is
   * absent or an empty directory and {@code createIfMissing}). Refuses a damaged directory first.
   */
  static Handle open(Path dir, StoreOptions options) {
    refuseDamaged(dir);
    boolean exists = Files.exists(dir.resolve("CURRENT"));
    if (!exists && (options.readOnly() || !options.createIfMissing())) {
      throw new IncompatibleStoreException("no store at " + dir);
    }
    if (exists) {
      refuseDamageHiddenAsTornTail(dir);
    }
    if (options.readOnly()) {
      return openReadOnly(dir, STRICT_WAL, new ForwardingLogger());
    }
    return openWritable(dir, options.createIfMissing(), STRICT_WAL, null);
  }

  /** See {@link WalTail}: the one kind of log damage {@link #STRICT_WAL} would drop silently. */
  private static void refuseDamageHiddenAsTornTail(Path dir) {
    for (String log : walFiles(dir)) {
      String damage;
      try {
        damage = WalTail.damageHiddenAsTornTail(dir.resolve(log));
      } catch (IOException e) {
        continue; // unreadable: RocksDB's own open reports it
      }
      if (damage != null) {
        throw new DamagedStoreException("store at " + dir + " is damaged and was not opened; nothing was changed or"
            + " deleted: write-ahead log " + log + " is damaged at " + damage
            + ". Repair it (keyspace repair, or StoreRepair.repair), which copies it aside first", List.of(log));
      }
    }
  }

  // ------------------------------------------------------------------ damaged directories

  /**
   * Whether RocksDB wrote a file of this name: any of these without {@code CURRENT} is a damaged store.
   * Not the info logs ({@code LOG}, {@code LOG.old.*}), which a failed first open may leave alone.
   */
  static boolean isStoreFile(String name) {
    return name.equals("CURRENT") || name.equals("IDENTITY") || name.equals("LOCK")
        || name.startsWith("MANIFEST-") || name.startsWith("OPTIONS-")
        || name.endsWith(".sst") || name.endsWith(".log") || name.endsWith(".blob");
  }

  /** Names of the store files in {@code dir}, sorted; empty when it is no directory. */
  static List<String> storeFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).filter(RocksDbOpener::isStoreFile).sorted().toList();
    } catch (IOException e) {
      throw new StoreException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a directory that holds store files but no {@code CURRENT}. Opened with create-if-missing,
   * RocksDB would write a new empty database there, and its next cleanup would delete the old MANIFEST
   * and every table file as obsolete.
   */
  static void refuseDamaged(Path dir) {
    if (!Files.isDirectory(dir) || Files.exists(dir.resolve("CURRENT"))) {
      return;
    }
    List<String> found = storeFiles(dir);
    if (!found.isEmpty()) {
      throw new DamagedStoreException("store at " + dir + " is damaged: it holds store files (" + summary(found)
          + ") but no CURRENT file naming the live MANIFEST; nothing was changed. Repair it (keyspace repair,"
          + " or StoreRepair.repair), which copies it aside first", found);
    }
  }

  private static String summary(List<String> names) {
    int shown = Math.min(names.size(), 8);
    String list = String.join(", ", names.subList(0, shown));
    return names.size() > shown ? list + " and " + (names.size() - shown) + " more" : list;
  }

  // ------------------------------------------------------------------ opens

  static Handle openWritable(Path dir, boolean createIfMissing, WALRecoveryMode walMode, Logger logger) {
    TableResources tables = new TableResources();
    Options options = new Options()
        .setCreateIfMissing(createIfMissing)
        .setTableFormatConfig(tables.config())
        .setWalRecoveryMode(walMode)
        .setKeepLogFileNum(KEPT_INFO_LOGS)
        .setMaxLogFileSize(MAX_INFO_LOG_BYTES);
    if (logger != null) {
      options.setLogger(logger);
    }
    try {
      if (createIfMissing) {
        Files.createDirectories(dir);
      }
      return new Handle(RocksDB.open(options, dir.toString()), options, tables, logger);
    } catch (RocksDBException | IOException e) {
      options.close();
      tables.close();
      if (logger != null) {
        logger.close();
      }
      throw failure(dir, e);
    }
  }

  /**
   * Opens with RocksDB's read-only mode rather than as a secondary instance. Read-only takes no LOCK, so
   * it works beside a live writer, and it replays the write-ahead log as of the open into memory, which
   * gives one consistent view for the whole life of the handle (a secondary would need a directory of
   * its own for its info log and catches up only on request). It writes nothing; the only file RocksDB
   * would still create, or rotate, is its info {@code LOG}, so {@code logger} replaces that file.
   */
  static Handle openReadOnly(Path dir, WALRecoveryMode walMode, Logger logger) {
    TableResources tables = new TableResources();
    Options options = new Options()
        .setCreateIfMissing(false)
        .setTableFormatConfig(tables.config())
        .setWalRecoveryMode(walMode)
        .setLogger(logger);
    RocksDBException last = null;
    // A live writer may finish a log or a MANIFEST and delete it between RocksDB listing the directory
    // and reading the file; the next attempt sees the new state.
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return new Handle(RocksDB.openReadOnly(options, dir.toString(), false), options, tables, logger);
      } catch (RocksDBException e) {
        last = e;
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (code != Status.Code.IOError && code != Status.Code.NotFound) {
          break;
        }
      }
    }
    options.close();
    tables.close();
    logger.close();
    throw failure(dir, last);
  }

  /**
   * A failed open as a typed error. Damage (RocksDB's Corruption) becomes {@link DamagedStoreException}
   * naming the damaged log when a read-only look finds it (RocksDB's message alone does not name it).
   */
  private static StoreException failure(Path dir, Exception e) {
    if (e instanceof RocksDBException r && r.getStatus() != null && r.getStatus().getCode() == Status.Code.Corruption) {
      List<String> damaged = damagedLogs(dir);
      List<String> logs = damaged.isEmpty() ? walFiles(dir) : damaged;
      String where = damaged.isEmpty()
          ? (logs.isEmpty() ? "" : " (write-ahead logs: " + String.join(", ", describeFiles(dir, logs)) + ")")
          : " in write-ahead log " + String.join(", ", describeFiles(dir, damaged));
      return new DamagedStoreException("store at " + dir + " is damaged and was not opened; nothing was changed or"
          + " deleted: " + e.getMessage() + where
          + ". Repair it (keyspace repair, or StoreRepair.repair), which copies it aside first", logs);
    }
    return new StoreException("cannot open store at " + dir + ": " + e.getMessage(), e);
  }

  /**
   * The logs RocksDB's reader reports dropping bytes of, found by a read-only point-in-time open (which
   * changes no file); empty when that open fails too or reports none.
   */
  private static List<String> damagedLogs(Path dir) {
    RecordingLogger recorder = new RecordingLogger();
    TableResources tables = new TableResources();
    try (Options options = new Options().setTableFormatConfig(tables.config())
            .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery).setLogger(recorder);
        RocksDB probe = RocksDB.openReadOnly(options, dir.toString(), false)) {
      // opened: the recorder holds what it dropped
    } catch (RocksDBException ignored) {
      // could not look: the caller names every log
    } finally {
      tables.close();
      recorder.close();
    }
    List<String> out = new ArrayList<>();
    for (String m : recorder.messages()) {
      java.util.regex.Matcher d = DROPPING.matcher(m);
      if (d.find()) {
        String name = Path.of(d.group(1)).getFileName().toString();
        if (!out.contains(name)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  /** RocksDB's log reader reports damage as {@code <path>: dropping <n> bytes; <reason>}. */
  static final java.util.regex.Pattern DROPPING = java.util.regex.Pattern.compile("(\\S+\\.log): dropping (\\d+) bytes");

  static List<String> walFiles(Path dir) {
    return storeFiles(dir).stream().filter(n -> n.endsWith(".log")).toList();
  }

  /** Each name with its size, e.g. {@code 000004.log 5210 bytes}. */
  static List<String> describeFiles(Path dir, List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      long size;
      try {
        size = Files.size(dir.resolve(n));
      } catch (IOException e) {
        size = -1;
      }
      out.add(n + (size < 0 ? "" : " (" + size + " bytes)"));
    }
    return out;
  }

  // ------------------------------------------------------------------ repair

  /** What {@link #recover} found and did. */
  record Recovery(
      List<String> actions, long readableSequence, long readableKeys, long keptSequence, long keptKeys,
      List<String> messages) {}

  /**
   * Recovers the store in {@code dir} in place (the caller copied it aside): writes a missing
   * {@code CURRENT} naming the newest MANIFEST, measures what a reader that skips damaged log records
   * would see, then opens with point-in-time recovery, which keeps the consistent prefix of the log up to
   * the first damaged record and drops the rest, and reports RocksDB's messages about what it dropped.
   */
  static Recovery recover(Path dir) {
    List<String> actions = new ArrayList<>();
    if (!Files.exists(dir.resolve("CURRENT"))) {
      List<String> manifests = storeFiles(dir).stream().filter(n -> n.startsWith("MANIFEST-")).toList();
      if (manifests.isEmpty()) {
        throw new DamagedStoreException("store at " + dir + " has neither CURRENT nor a MANIFEST: nothing to recover",
            storeFiles(dir));
      }
      String newest = manifests.stream().max((a, b) -> Long.compare(manifestNumber(a), manifestNumber(b))).orElseThrow();
      writeCurrent(dir, newest);
      actions.add("wrote CURRENT naming " + newest + " (the newest of " + manifests.size() + " MANIFEST files)");
    }
    long readableSequence = -1;
    long readableKeys = -1;
    try (Handle probe = openReadOnly(dir, WALRecoveryMode.SkipAnyCorruptedRecords, new RecordingLogger())) {
      readableSequence = probe.db.getLatestSequenceNumber();
      readableKeys = countKeys(probe.db);
    } catch (StoreException e) {
      actions.add("could not read the store skipping damaged log records: " + e.getMessage());
    }
    RecordingLogger recorder = new RecordingLogger();
    List<String> messages;
    long keptSequence;
    long keptKeys;
    try (Handle recovered = openWritable(dir, false, WALRecoveryMode.PointInTimeRecovery, recorder)) {
      keptSequence = recovered.db.getLatestSequenceNumber();
      keptKeys = countKeys(recovered.db);
      recovered.db.syncWal();
    } catch (RocksDBException e) {
      throw new StoreException("repair of " + dir + " failed on its final sync: " + e.getMessage(), e);
    } finally {
      messages = recorder.messages();
    }
    actions.add("opened with point-in-time recovery: kept every write up to sequence number " + keptSequence);
    // The ordinary, strict open must now succeed.
    openWritable(dir, false, STRICT_WAL, null).close();
    return new Recovery(actions, readableSequence, readableKeys, keptSequence, keptKeys, messages);
  }

  private static long manifestNumber(String name) {
    try {
      return Long.parseLong(name.substring("MANIFEST-".length()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static void writeCurrent(Path dir, String manifest) {
    try {
      Path tmp = dir.resolve("CURRENT.repair.tmp");
      Files.writeString(tmp, manifest + "\n", StandardCharsets.US_ASCII);
      Files.move(tmp, dir.resolve("CURRENT"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException("cannot write CURRENT in " + dir + ": " + e.getMessage(), e);
    }
  }

  private static long countKeys(RocksDB db) {
    long n = 0;
    try (RocksIterator it = db.newIterator()) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        n++;
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreException("counting keys failed: " + e.getMessage(), e);
    }
    return n;
  }

  /**
   * Sends RocksDB's warnings and errors to {@link System.Logger}, instead of a LOG file in the store.
   * Its warnings go at DEBUG: the one that matters (damage found on open) also fails the open, whose
   * exception says it to the caller.
   */
  private static final class ForwardingLogger extends Logger {
    ForwardingLogger() {
      super(InfoLogLevel.WARN_LEVEL);
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
      LOG.log(level == InfoLogLevel.WARN_LEVEL ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING, message);
    }
  }

  /** Keeps RocksDB's messages about damage and what recovery dropped, for the repair report. */
  private static final class RecordingLogger extends Logger {
    private final List<String> messages = new ArrayList<>();

    RecordingLogger() {
      super(InfoLogLevel.INFO_LEVEL);
    }

    @Override
    protected void log(InfoLogLevel level, String message) {
      String m = message.toLowerCase(java.util.Locale.ROOT);
      if (level.ordinal() >= InfoLogLevel.WARN_LEVEL.ordinal() || m.contains("corrupt") || m.contains("dropping")
          || m.contains("point in time")) {
        synchronized (messages) {
          messages.add(message.strip());
        }
      }
    }

    List<String> messages() {
      synchronized (messages) {
        return List.copyOf(messages);
      }
    }
  }

  // ------------------------------------------------------------------ table settings

  /**
   * Table settings for the store's access pattern, point reads of keys that mostly do not exist (every
   * put reads the old value's length for exact storage accounting): whole-key bloom filters on every
   * level (so not {@code optimizeFiltersForHits}, which drops the last level's filters) and an LRU
   * block cache that holds index and filter blocks too.
   *
   * <p>Index and filters are partitioned into {@value #METADATA_BLOCK_BYTES}-byte blocks under a small
   * top-level index that stays pinned. One commit can write a table file of any size (a flush writes a
   * memtable as one file, however large the batch), and a whole index or filter block grows with its
   * file: about 1 MB each for a 100 MB file of 1 KB values. The 32 MiB cache is split into 64 shards of
   * 0.5 MiB, and a block larger than its shard is not kept, so every get read and parsed the whole index
   * and filter again (LargeActorBench: ~1 ms per get instead of ~3 us). Partitions are small like data
   * blocks and stay cached; a get reads the pinned top level, one index and one filter partition.
   */
  static final class TableResources implements AutoCloseable {
    private static final long BLOCK_CACHE_BYTES = 32L << 20;
    private static final double BLOOM_BITS_PER_KEY = 10;
    private static final long METADATA_BLOCK_BYTES = 4096;

    private final LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
    private final BloomFilter filter = new BloomFilter(BLOOM_BITS_PER_KEY);

    BlockBasedTableConfig config() {
      return new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setFilterPolicy(filter)
          .setWholeKeyFiltering(true)
          .setIndexType(IndexType.kTwoLevelIndexSearch)
          .setPartitionFilters(true)
          .setMetadataBlockSize(METADATA_BLOCK_BYTES)
          .setCacheIndexAndFilterBlocks(true)
          .setCacheIndexAndFilterBlocksWithHighPriority(true)
          .setPinTopLevelIndexAndFilter(true)
          .setPinL0FilterAndIndexBlocksInCache(true);
    }

    @Override
    public void close() {
      filter.close();
      cache.close();
    }
  }
}
