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
 * {@code pack(actor_id)} + logical key ({@link PhysicalKeys}); the store format and
 * the actor records (storage count and metadata) live under keys starting 0xFF ({@link RecordCodec}).
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
      begin = KeyRange.keyAfter(k);
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

  // ------------------------------------------------------------------ alarms

  /**
   * The alarm records of {@code actorId} (as of {@code snapshot}, or now when null), by name. The names of
   * one actor lie in {@code [FF 04 + pack(id) + 02, ... + 03)}: only string elements, which keeps out the
   * records of an actor whose id extends this one with a NUL ({@code pack(id)} followed by {@code FF}).
   */
  List<Alarm> readAlarms(Snapshot snapshot, String actorId) {
    byte[] prefix = PhysicalKeys.alarmPrefix(actorId);
    byte[] begin = java.util.Arrays.copyOf(prefix, prefix.length + 1);
    begin[prefix.length] = 0x02;
    byte[] end = begin.clone();
    end[prefix.length] = 0x03;
    List<Alarm> out = new ArrayList<>();
    try (Slice lo = new Slice(begin); Slice hi = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi).setSnapshot(snapshot);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        String name = dev.actorkv.tuple.Tuple.fromBytes(it.key(), prefix.length).getString(0);
        out.add(RecordCodec.decodeAlarm(name, it.value()));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreException("reading the alarms of actor " + actorId + " failed: " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public List<DueAlarm> alarmsByDue(DueAlarm afterExclusive, long upToMillis, int limit) {
    byte[] begin = PhysicalKeys.ALARMS_BY_DUE;
    if (afterExclusive != null) {
      byte[] k = PhysicalKeys.alarmDueKey(afterExclusive.due().toEpochMilli(), afterExclusive.actorId(), afterExclusive.name());
      begin = KeyRange.keyAfter(k);
    }
    // pack(upTo + 1) is below every (due, actor, name) key with a later due time and above every other.
    byte[] end = upToMillis >= Alarm.MAX_DUE.toEpochMilli()
        ? KeyRange.strinc(PhysicalKeys.ALARMS_BY_DUE)
        : dev.actorkv.tuple.Tuple.of(Math.max(0, upToMillis + 1)).packWithPrefix(PhysicalKeys.ALARMS_BY_DUE);
    List<DueAlarm> out = new ArrayList<>(Math.min(limit, 256));
    if (upToMillis < 0 || java.util.Arrays.compareUnsigned(begin, end) >= 0) {
      return out;
    }
    try (Slice lo = new Slice(begin); Slice hi = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid() && out.size() < limit; it.next()) {
        PhysicalKeys.DueEntry e = PhysicalKeys.decodeAlarmDueKey(it.key());
        out.add(new DueAlarm(e.actorId(), e.alarmName(), java.time.Instant.ofEpochMilli(e.dueEpochMillis())));
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreException("reading the alarm index failed: " + e.getMessage(), e);
    }
    return out;
  }

  /** Every alarm record as (actor, name) -> decoded alarm or the reason it does not decode, as of {@code snapshot}. */
  private void scanAlarmRecords(Snapshot snapshot, java.util.function.BiConsumer<byte[], byte[]> visitor) {
    byte[] end = KeyRange.strinc(PhysicalKeys.ALARMS);
    try (Slice lo = new Slice(PhysicalKeys.ALARMS); Slice hi = new Slice(end);
        ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi).setSnapshot(snapshot);
        RocksIterator it = db.newIterator(ro)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        visitor.accept(it.key(), it.value());
      }
      it.status();
    } catch (RocksDBException e) {
      throw new StoreException("reading the alarm records failed: " + e.getMessage(), e);
    }
  }

  /** An alarm record decoded from its key and value, or the problem that keeps it from decoding. */
  private record RecordEntry(String actorId, String name, Alarm alarm, String problem) {}

  private static RecordEntry decodeRecord(byte[] key, byte[] value) {
    String actorId = null;
    String name = null;
    try {
      dev.actorkv.tuple.Tuple t = dev.actorkv.tuple.Tuple.fromBytes(key, PhysicalKeys.ALARMS.length);
      if (t.size() != 2) {
        throw new IllegalArgumentException("expected (actor, name), got " + t.size() + " elements");
      }
      actorId = t.getString(0);
      name = t.getString(1);
      return new RecordEntry(actorId, name, RecordCodec.decodeAlarm(name, value), null);
    } catch (RuntimeException e) {
      return new RecordEntry(actorId, name, null, "record key "
          + com.google.common.io.BaseEncoding.base16().lowerCase().encode(key) + " does not decode: " + e.getMessage());
    }
  }

  @Override
  public List<AlarmProblem> checkAlarms() {
    Snapshot snapshot = db.getSnapshot();
    try {
      // Every index key the records call for; each found in the index is removed, the rest are missing.
      java.util.TreeMap<byte[], RecordEntry> expected = new java.util.TreeMap<>(java.util.Arrays::compareUnsigned);
      List<AlarmProblem> problems = new ArrayList<>();
      java.util.Set<String> actors = new java.util.TreeSet<>();
      scanAlarmRecords(snapshot, (key, value) -> {
        RecordEntry r = decodeRecord(key, value);
        if (r.alarm() == null) {
          problems.add(new AlarmProblem(AlarmProblem.Kind.UNREADABLE_ALARM, r.actorId(), r.name(), null, r.problem()));
        } else {
          expected.put(PhysicalKeys.alarmDueKey(r.alarm().dueMillis(), r.actorId(), r.name()), r);
          actors.add(r.actorId());
        }
      });
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
        for (String actorId : actors) {
          if (db.get(ro, PhysicalKeys.actorRecordKey(actorId)) == null) {
            problems.add(new AlarmProblem(AlarmProblem.Kind.ORPHAN_ALARM, actorId, null, null, "the actor has alarms but no record"));
          }
        }
      } catch (RocksDBException e) {
        throw new StoreException("reading actor records failed: " + e.getMessage(), e);
      }
      byte[] end = KeyRange.strinc(PhysicalKeys.ALARMS_BY_DUE);
      try (Slice lo = new Slice(PhysicalKeys.ALARMS_BY_DUE); Slice hi = new Slice(end);
          ReadOptions ro = new ReadOptions().setIterateLowerBound(lo).setIterateUpperBound(hi).setSnapshot(snapshot);
          RocksIterator it = db.newIterator(ro)) {
        for (it.seekToFirst(); it.isValid(); it.next()) {
          byte[] key = it.key();
          if (expected.remove(key) != null) {
            continue;
          }
          PhysicalKeys.DueEntry e;
          try {
            e = PhysicalKeys.decodeAlarmDueKey(key);
          } catch (StoreException bad) {
            problems.add(new AlarmProblem(AlarmProblem.Kind.UNREADABLE_INDEX_ENTRY, null, null, null, bad.getMessage()));
            continue;
          }
          problems.add(new AlarmProblem(AlarmProblem.Kind.EXTRA_INDEX_ENTRY, e.actorId(), e.alarmName(),
              java.time.Instant.ofEpochMilli(e.dueEpochMillis()), "no alarm record is due at that time"));
        }
        it.status();
      } catch (RocksDBException e) {
        throw new StoreException("reading the alarm index failed: " + e.getMessage(), e);
      }
      for (RecordEntry r : expected.values()) {
        problems.add(new AlarmProblem(AlarmProblem.Kind.MISSING_INDEX_ENTRY, r.actorId(), r.name(), r.alarm().due(),
            "the alarm record has no index entry"));
      }
      return problems;
    } finally {
      db.releaseSnapshot(snapshot);
      snapshot.close();
    }
  }

  @Override
  public int rebuildAlarmIndex() {
    if (readOnly) {
      throw new ReadOnlyStoreException("store at " + directory + " is open read-only: the alarm index cannot be rebuilt");
    }
    // The store keeps alarm writes out meanwhile (ActorStore's alarm index lock): the scan and the write see the same records.
    try (WriteBatch wb = new WriteBatch()) {
      wb.deleteRange(PhysicalKeys.ALARMS_BY_DUE, KeyRange.strinc(PhysicalKeys.ALARMS_BY_DUE));
      int[] n = {0};
      scanAlarmRecords(null, (key, value) -> {
        RecordEntry r = decodeRecord(key, value);
        if (r.alarm() != null) {
          try {
            wb.put(PhysicalKeys.alarmDueKey(r.alarm().dueMillis(), r.actorId(), r.name()), NO_VALUE);
          } catch (RocksDBException e) {
            throw new StoreException("rebuilding the alarm index failed: " + e.getMessage(), e);
          }
          n[0]++;
        }
      });
      write(wb);
      return n[0];
    } catch (RocksDBException e) {
      throw new StoreException("rebuilding the alarm index failed: " + e.getMessage(), e);
    }
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
    return RecordCodec.encodeActorRecord(r.storageBytes(), r.metadata());
  }

  /** One actor: its physical prefix and record key, computed once. */
  private final class RocksDbActor implements EngineActor {
    private final String actorId;
    private final byte[] prefix;
    private final byte[] recordKey;
    /**
     * Set when the last record read was of format 1: the next record written (format 2, carrying what
     * the {@code FF 03} value stood for in its metadata) deletes that value in the same write.
     */
    private volatile boolean format1;

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
        if (r.format() == RecordCodec.CURRENT_RECORD_FORMAT) {
          return new ActorRecord(r.storageBytes(), r.metadata());
        }
        if (r.format() != 0) {
          throw new IncompatibleStoreException("the record of actor \"" + actorId + "\" has format " + r.format()
              + ", newer than this library's " + RecordCodec.CURRENT_RECORD_FORMAT + "; upgrade actor-kv to open it");
        }
        format1 = true;
        byte[] extra = rawGet(PhysicalKeys.format1ExtraKey(actorId));
        return new ActorRecord(r.storageBytes(), RecordCodec.format1Metadata(r.format1Number(), extra));
      } catch (InvalidProtocolBufferException e) {
        return null;
      }
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
    public Alarm alarm(String name) {
      byte[] raw = rawGet(PhysicalKeys.alarmKey(actorId, name));
      return raw == null ? null : RecordCodec.decodeAlarm(name, raw);
    }

    @Override
    public java.util.Map<String, Alarm> alarms(java.util.Collection<String> names) {
      List<String> asked = List.copyOf(names);
      List<byte[]> keys = new ArrayList<>(asked.size());
      for (String n : asked) {
        keys.add(PhysicalKeys.alarmKey(actorId, n));
      }
      List<byte[]> raw = rawMultiGet(keys);
      java.util.Map<String, Alarm> out = new java.util.HashMap<>();
      for (int i = 0; i < asked.size(); i++) {
        if (raw.get(i) != null) {
          out.put(asked.get(i), RecordCodec.decodeAlarm(asked.get(i), raw.get(i)));
        }
      }
      return out;
    }

    @Override
    public List<Alarm> alarms() {
      return readAlarms(null, actorId);
    }

    @Override
    public void commit(List<ActorBatch.Op> ops, List<AlarmWrite> alarms, ActorRecord record, boolean recordChanged) {
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
        for (AlarmWrite a : alarms) {
          // The previous alarm's index entry goes in the same write: a re-set alarm has one entry, at its new time.
          if (a.previous() != null) {
            wb.delete(PhysicalKeys.alarmDueKey(a.previous().dueMillis(), actorId, a.name()));
          }
          if (a.alarm() == null) {
            wb.delete(PhysicalKeys.alarmKey(actorId, a.name()));
          } else {
            wb.put(PhysicalKeys.alarmKey(actorId, a.name()), RecordCodec.encodeAlarm(a.alarm()));
            wb.put(PhysicalKeys.alarmDueKey(a.alarm().dueMillis(), actorId, a.name()), NO_VALUE);
          }
        }
        boolean upgraded = recordChanged && format1;
        if (recordChanged) {
          putRecord(wb, record);
        }
        write(wb);
        if (upgraded) {
          format1 = false;
        }
      } catch (RocksDBException e) {
        throw new StoreException("write of " + ops.size() + " changes for actor " + actorId + " failed: " + e.getMessage(), e);
      }
    }

    @Override
    public void writeRecord(ActorRecord record) {
      try (WriteBatch wb = new WriteBatch()) {
        boolean upgraded = format1;
        putRecord(wb, record);
        write(wb);
        if (upgraded) {
          format1 = false;
        }
      } catch (RocksDBException e) {
        throw new StoreException("write of the record of actor " + actorId + " failed: " + e.getMessage(), e);
      }
    }

    /** Puts the record (format 2), and drops the format-1 {@code FF 03} value it now carries. */
    private void putRecord(WriteBatch wb, ActorRecord record) throws RocksDBException {
      wb.put(recordKey, record(record));
      if (format1) {
        wb.delete(PhysicalKeys.format1ExtraKey(actorId));
      }
    }

    @Override
    public void deleteAll() {
      // Read before the write: the store serializes this with the actor's commits, so no alarm appears between.
      List<Alarm> alarms = alarms();
      try (WriteBatch wb = new WriteBatch()) {
        wb.deleteRange(prefix, PhysicalKeys.end(prefix, KeyRange.all()));
        for (Alarm a : alarms) {
          wb.delete(PhysicalKeys.alarmDueKey(a.dueMillis(), actorId, a.name()));
          wb.delete(PhysicalKeys.alarmKey(actorId, a.name()));
        }
        wb.delete(recordKey);
        wb.delete(PhysicalKeys.format1ExtraKey(actorId));
        write(wb);
        format1 = false;
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
    public List<Alarm> alarms(String actorId) {
      return readAlarms(snapshot, actorId);
    }

    @Override
    public byte[] metadata(String actorId) {
      try (ReadOptions ro = new ReadOptions().setSnapshot(snapshot)) {
        byte[] raw = db.get(ro, PhysicalKeys.actorRecordKey(actorId));
        if (raw == null) {
          return null;
        }
        RecordCodec.ActorRecordValue r = RecordCodec.decodeActorRecord(raw);
        if (r.format() == RecordCodec.CURRENT_RECORD_FORMAT) {
          return r.metadata();
        }
        if (r.format() != 0) {
          throw new IncompatibleStoreException("the record of actor \"" + actorId + "\" has format " + r.format()
              + ", newer than this library's " + RecordCodec.CURRENT_RECORD_FORMAT + "; upgrade actor-kv to open it");
        }
        return RecordCodec.format1Metadata(r.format1Number(), db.get(ro, PhysicalKeys.format1ExtraKey(actorId)));
      } catch (InvalidProtocolBufferException e) {
        return null; // an unreadable record: check reports it; the view has no metadata to give
      } catch (RocksDBException e) {
        throw new StoreException("reading the record of actor " + actorId + " failed: " + e.getMessage(), e);
      }
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
