package dev.actorkv.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.proto.StoreFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
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
 */
public final class ActorStore implements AutoCloseable {
  /** Format of the physical layout this library writes. */
  public static final int FORMAT_VERSION = 1;

  static {
    RocksDB.loadLibrary();
  }

  private final Path directory;
  private final StoreOptions options;
  private final Options dbOptions;
  private final RocksDB db;
  private final WriteOptions writeOptions;
  private final ConcurrentHashMap<String, ActorKeyspace> actors = new ConcurrentHashMap<>();
  private volatile boolean closed;

  private ActorStore(Path directory, StoreOptions options, Options dbOptions, RocksDB db) {
    this.directory = directory;
    this.options = options;
    this.dbOptions = dbOptions;
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
    Options dbOptions = new Options().setCreateIfMissing(options.createIfMissing());
    RocksDB db;
    try {
      Files.createDirectories(directory);
      db = RocksDB.open(dbOptions, directory.toString());
    } catch (RocksDBException | java.io.IOException e) {
      dbOptions.close();
      throw new StoreException("cannot open store at " + directory + ": " + e.getMessage(), e);
    }
    ActorStore store = new ActorStore(directory, options, dbOptions, db);
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
      byte[] record = StoreFormat.newBuilder().setFormatVersion(FORMAT_VERSION).setCreatedBy("actor-kv").build().toByteArray();
      rawPut(PhysicalKeys.FORMAT_KEY, record);
      return;
    }
    StoreFormat format;
    try {
      format = StoreFormat.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IncompatibleStoreException("store format record at " + directory + " does not decode: " + e.getMessage());
    }
    if (format.getFormatVersion() > FORMAT_VERSION) {
      throw new IncompatibleStoreException("store at " + directory + " has format version " + format.getFormatVersion()
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
    checkOpen();
    PhysicalKeys.actorPrefix(actorId); // rejects ids that are not valid Unicode
    ActorKeyspace actor = actors.computeIfAbsent(actorId, id -> new ActorKeyspace(this, id));
    if (actor.layoutVersion() == 0) {
      actor.resolveLegacy(options.legacyHandler());
    }
    return actor;
  }

  /**
   * Ids of actors that have a record, in order, starting after {@code afterExclusive} (null for the
   * first page), at most {@code limit}.
   */
  public List<String> actorIds(String afterExclusive, int limit) {
    checkOpen();
    byte[] begin = PhysicalKeys.ACTOR_RECORDS;
    if (afterExclusive != null) {
      // The smallest key after afterExclusive's record key (not strinc, which would skip ids extending it).
      byte[] k = PhysicalKeys.actorRecordKey(afterExclusive);
      begin = java.util.Arrays.copyOf(k, k.length + 1);
    }
    byte[] end = KeyRange.strinc(PhysicalKeys.ACTOR_RECORDS);
    List<String> out = new ArrayList<>();
    try (Slice lo = new Slice(begin); Slice hi = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
        out.add(PhysicalKeys.actorIdOfRecordKey(it.key()));
      }
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
    checkOpen();
    options.faults().beforeSync();
    try {
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw new StoreException("sync failed: " + e.getMessage(), e);
    }
  }

  /** A read-only snapshot for consistent multi-key reads; close it. */
  public StoreSnapshot snapshot() {
    checkOpen();
    return new StoreSnapshot(db, db.getSnapshot());
  }

  // ------------------------------------------------------------------ package-private raw access

  byte[] rawGet(byte[] physicalKey) {
    checkOpen();
    try {
      return db.get(physicalKey);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  List<byte[]> rawMultiGet(List<byte[]> physicalKeys) {
    checkOpen();
    try {
      return db.multiGetAsList(physicalKeys);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  void rawPut(byte[] physicalKey, byte[] value) {
    checkOpen();
    try {
      db.put(writeOptions, physicalKey, value);
    } catch (RocksDBException e) {
      throw new StoreException("write failed: " + e.getMessage(), e);
    }
  }

  void write(WriteBatch wb) throws RocksDBException {
    checkOpen();
    db.write(writeOptions, wb);
  }

  KeyValueIterator newIterator(byte[] prefix, KeyRange range, boolean reverse) {
    checkOpen();
    return new KeyValueIterator(db, null, prefix, range, reverse);
  }

  byte[] migrationMarker(String actorId) {
    return rawGet(PhysicalKeys.migrationMarkerKey(actorId));
  }

  private void checkOpen() {
    if (closed) {
      throw new StoreException("store is closed");
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RocksDBException syncFailure = null;
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
    if (syncFailure != null) {
      throw new StoreException("final sync on close failed: " + syncFailure.getMessage(), syncFailure);
    }
  }

  /** A consistent point-in-time view of the whole store, for dump and export. */
  public static final class StoreSnapshot implements AutoCloseable {
    private final RocksDB db;
    private final Snapshot snapshot;

    StoreSnapshot(RocksDB db, Snapshot snapshot) {
      this.db = db;
      this.snapshot = snapshot;
    }

    /** Iterates {@code actorId}'s keys in {@code range} as of the snapshot. */
    public KeyValueIterator iterator(String actorId, KeyRange range, boolean reverse) {
      return new KeyValueIterator(db, snapshot, PhysicalKeys.actorPrefix(actorId), range, reverse);
    }

    @Override
    public void close() {
      db.releaseSnapshot(snapshot);
      snapshot.close();
    }
  }
}
