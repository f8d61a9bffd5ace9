package dev.actorkv.store;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.KeyRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The embedded engine: every actor in one RocksDB database (ACTOR_KV_STRUCTURE.md section 5). Physical key =
 * {@code pack(actor_id)} + logical key ({@link PhysicalKeys}); the store format, the actor records and
 * the migration markers live under keys starting 0xFF ({@link RecordCodec}).
 */
final class RocksDbEngine implements StorageEngine {
  static {
    RocksDbLibrary.load();
  }

  private final Path directory;
  /** The database and the native objects its options point to, released after it. */
  private final RocksDbOpener.Handle handle;
  private final RocksDB db;
  private final boolean readOnly;
  private final WriteOptions writeOptions;
  private final Durability durability;

  private RocksDbEngine(Path directory, StoreOptions options, RocksDbOpener.Handle handle) {
    this.directory = directory;
    this.durability = options.durability();
    this.readOnly = options.readOnly();
    this.handle = handle;
    this.db = handle.db;
    this.writeOptions = new WriteOptions()
        .setSync(durability == Durability.SYNC)
        .setDisableWAL(durability == Durability.NONE);
  }

  /**
   * Opens (or, when allowed, creates) the database in {@code directory} through {@link RocksDbOpener}.
   * Refuses a store written in a newer format with {@link IncompatibleStoreException}, and a damaged one
   * with {@link DamagedStoreException}; with {@link StoreOptions#readOnly()} it creates, changes and
   * locks no file.
   */
  static RocksDbEngine open(Path directory, StoreOptions options) {
    RocksDbEngine engine = new RocksDbEngine(directory, options, RocksDbOpener.open(directory, options));
    try {
      engine.checkFormat();
    } catch (RuntimeException e) {
      engine.close();
      throw e;
    }
    return engine;
  }

  private void checkFormat() {
    byte[] raw = rawGet(PhysicalKeys.FORMAT_KEY);
    if (raw == null) {
      if (!readOnly) { // a read-only open of a store without the record reads it as this format
        rawPut(PhysicalKeys.FORMAT_KEY, RecordCodec.encodeStoreFormat(ActorStore.FORMAT_VERSION, "actor-kv"));
      }
      return;
    }
    RecordCodec.StoreFormatValue format;
    try {
      format = RecordCodec.decodeStoreFormat(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IncompatibleStoreException("store format record at " + directory + " does not decode: " + e.getMessage());
    }
    if (format.formatVersion() > ActorStore.FORMAT_VERSION) {
      throw new IncompatibleStoreException("store at " + directory + " has format version " + format.formatVersion()
          + ", newer than this library's " + ActorStore.FORMAT_VERSION + "; upgrade actor-kv to open it");
    }
  }

  Path directory() {
    return directory;
  }

  @Override
  public String kind() {
    return "rocksdb";
  }

  @Override
  public String location() {
    return directory.toString();
  }

  @Override
  public EngineActor actor(String actorId) {
    return new RocksDbActor(actorId);
  }

  @Override
  public List<String> actorIds(String afterExclusive, int limit) {
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

  @Override
  public void sync() {
    if (readOnly) {
      return;
    }
    try {
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw new StoreException("sync failed: " + e.getMessage(), e);
    }
  }

  @Override
  public EngineSnapshot snapshot() {
    return new RocksDbSnapshot(db.getSnapshot());
  }

  // ------------------------------------------------------------------ raw access

  byte[] rawGet(byte[] physicalKey) {
    try {
      return db.get(physicalKey);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  /**
   * The length of the value at {@code physicalKey}, or -1 when absent. Copies no value bytes into the
   * JVM, which keeps the read-before-write of exact storage accounting cheap for large values.
   */
  int rawValueLength(byte[] physicalKey) {
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
    }
  }

  private static final byte[] NO_VALUE = new byte[0];

  List<byte[]> rawMultiGet(List<byte[]> physicalKeys) {
    try {
      return db.multiGetAsList(physicalKeys);
    } catch (RocksDBException e) {
      throw new StoreException("read failed: " + e.getMessage(), e);
    }
  }

  void rawPut(byte[] physicalKey, byte[] value) {
    try {
      db.put(writeOptions, physicalKey, value);
    } catch (RocksDBException e) {
      throw new StoreException("write failed: " + e.getMessage(), e);
    }
  }

  void write(WriteBatch wb) throws RocksDBException {
    db.write(writeOptions, wb);
  }

  @Override
  public void close() {
    RocksDBException syncFailure = null;
    try {
      if (readOnly) {
        // nothing written, nothing to sync
      } else if (durability != Durability.NONE) {
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
    handle.close();
    if (syncFailure != null) {
      throw new StoreException("final sync on close failed: " + syncFailure.getMessage(), syncFailure);
    }
  }

  private static byte[] record(ActorRecord r) {
    return RecordCodec.encodeActorRecord(r.layoutVersion(), r.storageBytes());
  }

  /** One actor: its physical prefix and record key, computed once. */
  private final class RocksDbActor implements EngineActor {
    private final String actorId;
    private final byte[] prefix;
    private final byte[] recordKey;

    RocksDbActor(String actorId) {
      this.actorId = actorId;
      this.prefix = PhysicalKeys.actorPrefix(actorId);
      this.recordKey = PhysicalKeys.actorRecordKey(actorId);
    }

    @Override
    public ActorRecord readRecord() {
      byte[] raw = rawGet(recordKey);
      if (raw == null) {
        return null;
      }
      try {
        RecordCodec.ActorRecordValue r = RecordCodec.decodeActorRecord(raw);
        return new ActorRecord(r.storageBytes(), r.layoutVersion());
      } catch (InvalidProtocolBufferException e) {
        return null;
      }
    }

    @Override
    public byte[] migrationMarker() {
      return rawGet(PhysicalKeys.migrationMarkerKey(actorId));
    }

    @Override
    public byte[] get(byte[] key) {
      return rawGet(PhysicalKeys.physical(prefix, key));
    }

    @Override
    public List<byte[]> multiGet(List<byte[]> keys) {
      List<byte[]> physical = new ArrayList<>(keys.size());
      for (byte[] k : keys) {
        physical.add(PhysicalKeys.physical(prefix, k));
      }
      return rawMultiGet(physical);
    }

    @Override
    public int[] valueLengths(List<byte[]> keys) {
      int[] out = new int[keys.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = rawValueLength(PhysicalKeys.physical(prefix, keys.get(i)));
      }
      return out;
    }

    @Override
    public Cursor cursor(KeyRange range, boolean reverse, int firstFetch) {
      return new RocksDbCursor(db, null, prefix, range, reverse);
    }

    @Override
    public void commit(List<ActorBatch.Op> ops, ActorRecord record, boolean recordChanged, byte[] marker) {
      try (WriteBatch wb = new WriteBatch()) {
        for (ActorBatch.Op op : ops) {
          switch (op) {
            case ActorBatch.Put p -> wb.put(PhysicalKeys.physical(prefix, p.key()), p.value());
            case ActorBatch.Delete d -> wb.delete(PhysicalKeys.physical(prefix, d.key()));
            case ActorBatch.DeleteRange r -> {
              byte[] begin = PhysicalKeys.begin(prefix, r.range());
              byte[] end = PhysicalKeys.end(prefix, r.range());
              if (java.util.Arrays.compareUnsigned(begin, end) < 0) { // an empty range is not a RocksDB range
                wb.deleteRange(begin, end);
              }
            }
          }
        }
        if (recordChanged) {
          wb.put(recordKey, record(record));
        }
        if (marker != null) {
          if (marker.length == 0) {
            wb.delete(PhysicalKeys.migrationMarkerKey(actorId));
          } else {
            wb.put(PhysicalKeys.migrationMarkerKey(actorId), marker);
          }
        }
        write(wb);
      } catch (RocksDBException e) {
        throw new StoreException("write of " + ops.size() + " changes for actor " + actorId + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void writeRecord(ActorRecord record) {
      rawPut(recordKey, record(record));
    }

    @Override
    public void deleteAll() {
      try (WriteBatch wb = new WriteBatch()) {
        wb.deleteRange(prefix, PhysicalKeys.end(prefix, KeyRange.all()));
        wb.delete(recordKey);
        wb.delete(PhysicalKeys.migrationMarkerKey(actorId));
        write(wb);
      } catch (RocksDBException e) {
        throw new StoreException("delete of actor " + actorId + " failed: " + e.getMessage(), e);
      }
    }
  }

  /** A RocksDB snapshot of the whole database. */
  private final class RocksDbSnapshot implements EngineSnapshot {
    private final Snapshot snapshot;

    RocksDbSnapshot(Snapshot snapshot) {
      this.snapshot = snapshot;
    }

    @Override
    public Cursor cursor(String actorId, KeyRange range, boolean reverse, int firstFetch) {
      return new RocksDbCursor(db, snapshot, PhysicalKeys.actorPrefix(actorId), range, reverse);
    }

    /**
     * Finds the actors with data by seeking from one actor's prefix to the next (one seek per actor, not
     * one step per key), then adds those with a record.
     */
    @Override
    public List<String> actorIds() {
      TreeMap<byte[], String> ids = new TreeMap<>(java.util.Arrays::compareUnsigned);
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot);
          RocksIterator it = db.newIterator(ro)) {
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
      }
      return new ArrayList<>(ids.values());
    }

    @Override
    public synchronized void close() {
      if (snapshot.isOwningHandle()) {
        db.releaseSnapshot(snapshot);
        snapshot.close();
      }
    }
  }
}
