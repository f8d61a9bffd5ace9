package dev.actorkv.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.KeyRange;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * An embedded store holding many actors' keyspaces in one RocksDB database. Open it with
 * try-with-resources, then get an actor's keyspace with {@link #actor(String)}. Safe to share between
 * threads; many actors can be used in parallel.
 *
 * <p><b>Durability.</b> By default ({@link Durability#WAL}) every commit is appended to RocksDB's
 * write-ahead log (a {@code write(2)} into the OS page cache) before {@code commit} returns, but the log
 * is <em>not</em> fsynced per commit: a committed write survives a crash or SIGKILL of the process, but
 * an operating-system crash or power loss can lose the most recent commits (whole commits only, never
 * part of one). {@link Durability#SYNC} fsyncs the log on every commit; {@link #sync()} forces one
 * fsync on demand; {@link #close()} syncs the log before closing.
 *
 * <p><b>Closing.</b> {@link #close()} waits for operations in flight, then closes every iterator and
 * snapshot still open; any later use of the store, its keyspaces, iterators or snapshots throws
 * {@link StoreException} ("store is closed") instead of touching freed native memory.
 */
public final class ActorStore implements AutoCloseable {
  /** Format of the physical layout this library writes. */
  public static final int FORMAT_VERSION = 1;

  static {
    RocksDbLibrary.load();
  }

  private final Path directory;
  private final StoreOptions options;
  private final Options dbOptions;
  /** Native table objects the options point to: released after the database. */
  private final TableResources tables;
  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final ConcurrentHashMap<String, ActorKeyspace> actors = new ConcurrentHashMap<>();
  /**
   * Read side held by every native call, write side by {@link #close()}: RocksDB objects must not be
   * freed while another thread is inside them.
   */
  private final StampedLock lifecycle = new StampedLock();
  /** Read side; no native call path enters twice, so a non-reentrant lock is enough and cheaper. */
  private final Lock inFlight = lifecycle.asReadLock();
  private final Lock closing = lifecycle.asWriteLock();
  /** Iterators and snapshots not yet closed; close() releases them before the database. */
  private final Set<NativeResource> openResources = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** A native object tied to the database that close() must release first. */
  interface NativeResource {
    void releaseNative();
  }

  private ActorStore(Path directory, StoreOptions options, Options dbOptions, TableResources tables, RocksDB db) {
    this.directory = directory;
    this.options = options;
    this.dbOptions = dbOptions;
    this.tables = tables;
    this.db = db;
    this.writeOptions = new WriteOptions()
        .setSync(options.durability() == Durability.SYNC)
        .setDisableWAL(options.durability() == Durability.NONE);
  }

  public static ActorStore open(Path directory) {
    return open(directory, StoreOptions.DEFAULTS);
  }

  /**
   * Opens (or, when allowed, creates) the store in {@code directory}. Refuses a store written in a newer
   * format with {@link IncompatibleStoreException}.
   */
  public static ActorStore open(Path directory, StoreOptions options) {
    Objects.requireNonNull(options, "options");
    boolean exists = Files.exists(directory.resolve("CURRENT"));
    if (!exists && !options.createIfMissing()) {
      throw new IncompatibleStoreException("no store at " + directory);
    }
    TableResources tables = new TableResources();
    Options dbOptions = new Options().setCreateIfMissing(options.createIfMissing()).setTableFormatConfig(tables.config());
    RocksDB db;
    try {
      Files.createDirectories(directory);
      db = RocksDB.open(dbOptions, directory.toString());
    } catch (RocksDBException | java.io.IOException e) {
      dbOptions.close();
      tables.close();
      throw new StoreException("cannot open store at " + directory + ": " + e.getMessage(), e);
    }
    ActorStore store = new ActorStore(directory, options, dbOptions, tables, db);
    try {
      store.checkFormat();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  private void checkFormat() {
    byte[] raw = rawGet(PhysicalKeys.FORMAT_KEY);
    if (raw == null) {
      rawPut(PhysicalKeys.FORMAT_KEY, RecordCodec.encodeStoreFormat(FORMAT_VERSION, "actor-kv"));
      return;
    }
    RecordCodec.StoreFormatValue format;
    try {
      format = RecordCodec.decodeStoreFormat(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IncompatibleStoreException("store format record at " + directory + " does not decode: " + e.getMessage());
    }
    if (format.formatVersion() > FORMAT_VERSION) {
      throw new IncompatibleStoreException("store at " + directory + " has format version " + format.formatVersion()
          + ", newer than this library's " + FORMAT_VERSION + "; upgrade actor-kv to open it");
    }
  }

  public Path directory() {
    return directory;
  }

  public StoreOptions options() {
    return options;
  }

  /**
   * The keyspace of {@code actorId} (any string; the same object for the same id). When the actor still
   * holds legacy-layout data (layout version 0), the options' {@link StoreOptions#legacyHandler()} runs
   * first: it may migrate the actor, refuse with {@link LegacyLayoutException}, or leave it as is.
   */
  public ActorKeyspace actor(String actorId) {
    Objects.requireNonNull(actorId, "actorId");
    if (closed) {
      throw closedError();
    }
    ActorKeyspace actor = actors.get(actorId); // the common case: no validation, no allocation
    if (actor == null) {
      PhysicalKeys.actorPrefix(actorId); // rejects ids that are not valid Unicode
      actor = actors.computeIfAbsent(actorId, id -> new ActorKeyspace(this, id));
    }
    // Also for a known actor: legacy keys may have been written since, or an earlier handler failed.
    if (actor.layoutVersion() == 0 && options.legacyHandler() != LegacyHandler.OPEN_AS_IS) {
      actor.resolveLegacy(options.legacyHandler());
    }
    return actor;
  }

  /**
   * Ids of actors that have a record, in order, starting after {@code afterExclusive} (null for the
   * first page), at most {@code limit}.
   */
  public List<String> actorIds(String afterExclusive, int limit) {
    if (closed) {
      throw closedError();
    }
    byte[] begin = PhysicalKeys.ACTOR_RECORDS;
    if (afterExclusive != null) {
      // The smallest key after afterExclusive's record key (not strinc, which would skip ids extending it).
      byte[] k = PhysicalKeys.actorRecordKey(afterExclusive);
      begin = java.util.Arrays.copyOf(k, k.length + 1);
    }
    byte[] end = KeyRange.strinc(PhysicalKeys.ACTOR_RECORDS);
    List<String> out = new ArrayList<>();
    enter();
    try (Slice lo = new Slice(begin); Slice hi = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
        out.add(PhysicalKeys.actorIdOfRecordKey(it.key()));
      }
    } finally {
      exit();
    }
    return out;
  }

  /** Every actor id with a record, in order. */
  public List<String> actorIds() {
    List<String> all = new ArrayList<>();
    String after = null;
    while (true) {
      List<String> page = actorIds(after, 1000);
      all.addAll(page);
      if (page.size() < 1000) {
        return all;
      }
      after = page.getLast();
    }
  }

  /** Forces the write-ahead log to disk. */
  public void sync() {
    enter();
    try {
      options.faults().beforeSync();
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw new StoreException("sync failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /** A read-only snapshot for consistent multi-key reads across actors; close it. */
  public StoreSnapshot snapshot() {
    enter();
    try {
      return new StoreSnapshot(this, db.getSnapshot());
    } finally {
      exit();
    }
  }

  // ------------------------------------------------------------------ package-private raw access

  byte[] rawGet(byte[] physicalKey) {
    enter();
    try {
      return db.get(physicalKey);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  /**
   * The length of the value at {@code physicalKey}, or -1 when absent. Copies no value bytes into the
   * JVM, which keeps the read-before-write of exact storage accounting cheap for large values.
   */
  int rawValueLength(byte[] physicalKey) {
    enter();
    try {
      // Most written keys are new: keyMayExist answers "certainly absent" from the memtable and the
      // bloom filters, much faster than a get of an absent key through JNI (ValueLengthBench). Without a
      // value holder it copies nothing; with one it copied the whole old value (e.g. a 4 KiB SQLite
      // chunk) into the JVM just to learn its length. An existing key then costs one zero-copy get.
      if (!db.keyMayExist(physicalKey, null)) {
        return -1;
      }
      int n = db.get(physicalKey, NO_VALUE);
      return n == RocksDB.NOT_FOUND ? -1 : n;
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  private static final byte[] NO_VALUE = new byte[0];

  List<byte[]> rawMultiGet(List<byte[]> physicalKeys) {
    enter();
    try {
      return db.multiGetAsList(physicalKeys);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  void rawPut(byte[] physicalKey, byte[] value) {
    enter();
    try {
      db.put(writeOptions, physicalKey, value);
    } catch (RocksDBException e) {
      throw new StoreException("write failed: " + e.getMessage(), e);
    } finally {
      exit();
    }
  }

  void write(WriteBatch wb) throws RocksDBException {
    enter();
    try {
      db.write(writeOptions, wb);
    } finally {
      exit();
    }
  }

  KeyValueIterator newIterator(byte[] prefix, KeyRange range, boolean reverse) {
    return newIterator(null, prefix, range, reverse);
  }

  KeyValueIterator newIterator(Snapshot snapshot, byte[] prefix, KeyRange range, boolean reverse) {
    enter();
    try {
      return new KeyValueIterator(this, db, snapshot, prefix, range, reverse);
    } finally {
      exit();
    }
  }

  void register(NativeResource r) {
    openResources.add(r);
  }

  void unregister(NativeResource r) {
    openResources.remove(r);
  }

  byte[] migrationMarker(String actorId) {
    return rawGet(PhysicalKeys.migrationMarkerKey(actorId));
  }

  /**
   * Enters a native call: fails when the store is closed, and keeps close() from freeing the database
   * until the matching {@link #exit()}.
   */
  void enter() {
    inFlight.lock();
    if (closed) {
      inFlight.unlock();
      throw closedError();
    }
  }

  void exit() {
    inFlight.unlock();
  }

  /** Like {@link #enter()}, but returns false instead of throwing when the store is closed. */
  boolean tryEnter() {
    inFlight.lock();
    if (closed) {
      inFlight.unlock();
      return false;
    }
    return true;
  }

  static StoreException closedError() {
    return new StoreException("store is closed");
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Throws the store's "store is closed" {@link StoreException} once it is closed, for layers above that
   * answer some calls from memory (a queue's receive) and must fail as a store call would.
   */
  public void checkOpen() {
    if (closed) {
      throw closedError();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closing.lock();
    RocksDBException syncFailure = null;
    try {
      for (NativeResource r : List.copyOf(openResources)) {
        r.releaseNative();
      }
      openResources.clear();
      try {
        if (options.durability() != Durability.NONE) {
          db.syncWal();
        } else {
          try (org.rocksdb.FlushOptions flush = new org.rocksdb.FlushOptions().setWaitForFlush(true)) {
            db.flush(flush);
          }
        }
      } catch (RocksDBException e) {
        syncFailure = e;
      }
      writeOptions.close();
      db.close();
      dbOptions.close();
      tables.close();
    } finally {
      closing.unlock();
    }
    if (syncFailure != null) {
      throw new StoreException("final sync on close failed: " + syncFailure.getMessage(), syncFailure);
    }
  }

  /**
   * A consistent point-in-time view of the whole store, for dump, export and check. Close it; closing
   * the store closes it too.
   */
  public static final class StoreSnapshot implements AutoCloseable, NativeResource {
    private final ActorStore store;
    private final Snapshot snapshot;
    private boolean released;

    StoreSnapshot(ActorStore store, Snapshot snapshot) {
      this.store = store;
      this.snapshot = snapshot;
      store.register(this);
    }

    /** Iterates {@code actorId}'s keys in {@code range} as of the snapshot. */
    public KeyValueIterator iterator(String actorId, KeyRange range, boolean reverse) {
      synchronized (this) {
        if (released) {
          throw closedError();
        }
      }
      return store.newIterator(snapshot, PhysicalKeys.actorPrefix(actorId), range, reverse);
    }

    /**
     * Every actor id that has data or a bookkeeping record as of the snapshot, in key order. Finds the
     * actors with data by seeking from one actor's prefix to the next (one seek per actor, not one step
     * per key).
     *
     * @throws StoreException naming the physical key when the store holds a key that belongs to no
     *     actor (not {@code pack(actor_id)} followed by a logical key, nor bookkeeping)
     */
    public List<String> actorIds() {
      TreeMap<byte[], String> ids = new TreeMap<>(java.util.Arrays::compareUnsigned);
      store.enter();
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
          RocksIterator it = store.db.newIterator(ro)) {
        it.seekToFirst();
        while (it.isValid()) {
          byte[] key = it.key();
          if (key[0] == PhysicalKeys.RESERVED) {
            break;
          }
          int n = PhysicalKeys.actorPrefixLength(key);
          if (n < 0) {
            throw new StoreException("physical key " + com.google.common.io.BaseEncoding.base16().lowerCase().encode(key)
                + " belongs to no actor: it does not start with pack(actor_id)");
          }
          byte[] prefix = java.util.Arrays.copyOf(key, n);
          ids.put(prefix, PhysicalKeys.actorIdOfPrefix(prefix));
          it.seek(PhysicalKeys.physical(prefix, new byte[] {PhysicalKeys.RESERVED}));
        }
        byte[] recordsEnd = KeyRange.strinc(PhysicalKeys.ACTOR_RECORDS);
        for (it.seek(PhysicalKeys.ACTOR_RECORDS); it.isValid() && java.util.Arrays.compareUnsigned(it.key(), recordsEnd) < 0; it.next()) {
          String id = PhysicalKeys.actorIdOfRecordKey(it.key());
          ids.put(PhysicalKeys.actorPrefix(id), id);
        }
        it.status();
      } catch (RocksDBException e) {
        throw new StoreException("listing actors failed: " + e.getMessage(), e);
      } finally {
        store.exit();
      }
      return new ArrayList<>(ids.values());
    }

    @Override
    public void close() {
      if (!store.tryEnter()) {
        return; // the store's close() released it
      }
      try {
        store.unregister(this);
        releaseNative();
      } finally {
        store.exit();
      }
    }

    @Override
    public synchronized void releaseNative() {
      if (!released) {
        released = true;
        store.db.releaseSnapshot(snapshot);
        snapshot.close();
      }
    }
  }

  /**
   * Table settings for the store's access pattern, point reads of keys that mostly do not exist (every
   * put reads the old value's length for exact storage accounting): whole-key bloom filters on every
   * level (so not {@code optimizeFiltersForHits}, which drops the last level's filters) and an LRU
   * block cache that holds index and filter blocks too.
   */
  private static final class TableResources implements AutoCloseable {
    private static final long BLOCK_CACHE_BYTES = 32L << 20;
    private static final double BLOOM_BITS_PER_KEY = 10;

    private final LRUCache cache = new LRUCache(BLOCK_CACHE_BYTES);
    private final BloomFilter filter = new BloomFilter(BLOOM_BITS_PER_KEY);

    BlockBasedTableConfig config() {
      return new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setFilterPolicy(filter)
          .setWholeKeyFiltering(true)
          .setCacheIndexAndFilterBlocks(true)
          .setPinL0FilterAndIndexBlocksInCache(true);
    }

    @Override
    public void close() {
      filter.close();
      cache.close();
    }
  }
}
