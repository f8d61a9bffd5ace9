package dev.actorkv.store;

import com.google.common.primitives.UnsignedBytes;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.LegacyKeys;
import dev.actorkv.keyspace.Namespace;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * One actor's private, ordered keyspace inside an {@link ActorStore}. Every read and write is confined to
 * the actor's physical prefix; no method can reach another actor's bytes. Writes go through
 * {@link #commit(ActorBatch)}: limits are checked first, then the batch and the actor's storage count
 * are written as one atomic RocksDB write, and only then is the in-memory count updated.
 *
 * <p>Safe to use from several threads: commits of one actor are serialized by a lock so the storage
 * count stays exact. Managers still assume one logical writer per actor.
 */
public final class ActorKeyspace {
  private final ActorStore store;
  private final String actorId;
  private final byte[] prefix;
  private final byte[] recordKey;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Set<String> claims = ConcurrentHashMap.newKeySet();
  private final ReentrantLock legacyLock = new ReentrantLock();
  /** Exact storage in bytes; guarded by writeLock for writes, volatile for reads. */
  private volatile long storageBytes;
  private volatile int layoutVersion;
  private volatile boolean hasRecord;
  /**
   * The physical keys the last commit put or deleted (at most {@link #KNOWN_MAX}) and their value
   * lengths since (-1: absent). The next commit takes an overwritten key's old length from here instead
   * of a native lookup: managers keep rewriting the keys of their last write (a workflow step records
   * its attempt, then its result, in the same entry and metadata keys; a queue rewrites its metadata).
   * Exact because every write of this actor's keys is a commit or {@link #deleteAll()} of this object
   * under writeLock; forgotten when a write fails or a batch deletes a range. Guarded by writeLock.
   */
  private byte[][] knownKeys = NO_KEYS;
  private int[] knownLengths = NO_LENGTHS;

  private static final int KNOWN_MAX = 8;
  private static final byte[][] NO_KEYS = new byte[0][];
  private static final int[] NO_LENGTHS = new int[0];
  private static final int UNKNOWN = Integer.MIN_VALUE;

  ActorKeyspace(ActorStore store, String actorId) {
    this.store = store;
    this.actorId = actorId;
    this.prefix = PhysicalKeys.actorPrefix(actorId);
    this.recordKey = PhysicalKeys.actorRecordKey(actorId);
    loadRecord();
  }

  private void loadRecord() {
    byte[] raw = store.rawGet(recordKey);
    if (raw == null) {
      // No record: either a new actor, or data written without one (record lost). Recount.
      long counted = scanStorageBytes();
      hasRecord = false;
      storageBytes = counted;
      layoutVersion = counted == 0 ? Namespace.CURRENT_VERSION : detectLayoutVersion();
      return;
    }
    try {
      RecordCodec.ActorRecordValue r = RecordCodec.decodeActorRecord(raw);
      hasRecord = true;
      storageBytes = r.storageBytes();
      layoutVersion = r.layoutVersion();
    } catch (InvalidProtocolBufferException e) {
      hasRecord = false;
      storageBytes = scanStorageBytes();
      layoutVersion = detectLayoutVersion();
    }
  }

  private int detectLayoutVersion() {
    for (KeyRange r : LegacyKeys.candidateRanges()) {
      try (KeyValueIterator it = iterator(r, false)) {
        while (it.hasNext()) {
          if (LegacyKeys.isLegacy(it.peekKey())) {
            return 0;
          }
          it.next();
        }
      }
    }
    return Namespace.CURRENT_VERSION;
  }

  /**
   * Claims {@code owner} (e.g. "sqlite") exclusively for this actor in this store until
   * {@link #release(String)}; returns false when it is already claimed. Lets a manager that caches the
   * actor's data (as SQLite's page cache does) refuse a second handle without global state.
   */
  public boolean claim(String owner) {
    return claims.add(owner);
  }

  /** Releases a claim taken with {@link #claim(String)}. */
  public void release(String owner) {
    claims.remove(owner);
  }

  public String actorId() {
    return actorId;
  }

  public ActorStore store() {
    return store;
  }

  public Limits limits() {
    return store.options().limits();
  }

  /** Exact bytes used: sum of logical key length plus value length over the actor's entries. */
  public long storageBytes() {
    return storageBytes;
  }

  /**
   * Layout version recorded for this actor: 1 when all its data is in layout v1, 0 when legacy keys
   * were written and not yet migrated.
   */
  public int layoutVersion() {
    return layoutVersion;
  }

  /**
   * The actor's migration marker as last written by {@link ActorBatch#setMigrationMarker}, or null when
   * there is none. Opaque to the store; the migration engine defines its format.
   */
  public byte[] migrationMarker() {
    return store.migrationMarker(actorId);
  }

  /**
   * Runs {@code handler} when the actor still holds legacy-layout data, at most one handler at a time
   * per actor, so that concurrent {@link ActorStore#actor} calls do not migrate the same actor twice.
   */
  void resolveLegacy(LegacyHandler handler) {
    legacyLock.lock();
    try {
      if (layoutVersion == 0) {
        handler.onLegacyActor(this);
      }
    } finally {
      legacyLock.unlock();
    }
  }

  /** Counts storage by a full scan of the actor's keys (does not change the recorded count). */
  public long scanStorageBytes() {
    long[] total = {0};
    try (KeyValueIterator it = iterator(KeyRange.all(), false)) {
      it.forEachSize(false, (key, keyLength, valueLength) -> total[0] += keyLength + valueLength);
    }
    return total[0];
  }

  /** The recorded storage count as stored on disk, or -1 when the record is missing or corrupt. */
  public long recordedStorageBytes() {
    byte[] raw = store.rawGet(recordKey);
    if (raw == null) {
      return -1;
    }
    try {
      return RecordCodec.decodeActorRecord(raw).storageBytes();
    } catch (InvalidProtocolBufferException e) {
      return -1;
    }
  }

  /** Recounts storage by a scan and writes the result as the actor's record. Returns the count. */
  public long rebuildStorageCount() {
    store.requireWritable();
    writeLock.lock();
    try {
      long counted = scanStorageBytes();
      int version = detectLayoutVersion();
      store.rawPut(recordKey, record(counted, version));
      storageBytes = counted;
      layoutVersion = version;
      hasRecord = true;
      return counted;
    } finally {
      writeLock.unlock();
    }
  }

  // ------------------------------------------------------------------ reads

  /** The value at {@code key}, or null when absent. */
  public byte[] get(byte[] key) {
    PhysicalKeys.checkLogical(key);
    store.options().faults().beforeRead(actorId);
    return store.rawGet(PhysicalKeys.physical(prefix, key));
  }

  /** Values of {@code keys} in the same order, null where absent. */
  public List<byte[]> multiGet(List<byte[]> keys) {
    if (keys.isEmpty()) {
      return new ArrayList<>(); // RocksDB's multiGetAsList rejects an empty key list
    }
    store.options().faults().beforeRead(actorId);
    List<byte[]> physical = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      PhysicalKeys.checkLogical(k);
      physical.add(PhysicalKeys.physical(prefix, k));
    }
    return store.rawMultiGet(physical);
  }

  /** A bounded iterator over {@code range}; close it. */
  public KeyValueIterator iterator(KeyRange range, boolean reverse) {
    store.options().faults().beforeRead(actorId);
    return store.newIterator(prefix, range, reverse);
  }

  /** Up to {@code limit} entries of {@code range} in key order. */
  public List<KeyValue> scan(KeyRange range, int limit) {
    return scan(range, limit, false);
  }

  /** Up to {@code limit} entries of {@code range}, in reverse key order when {@code reverse}. */
  public List<KeyValue> scan(KeyRange range, int limit, boolean reverse) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0");
    }
    List<KeyValue> out = new ArrayList<>(Math.min(limit, 256));
    if (limit == 0) {
      return out;
    }
    try (KeyValueIterator it = iterator(range, reverse)) {
      it.drainTo(out, limit);
    }
    return out;
  }

  /** The first entry of {@code range} (last when {@code reverse}), or null when it is empty. */
  public KeyValue first(KeyRange range, boolean reverse) {
    try (KeyValueIterator it = iterator(range, reverse)) {
      return it.hasNext() ? it.next() : null;
    }
  }

  // ------------------------------------------------------------------ writes

  public ActorBatch batch() {
    return new ActorBatch();
  }

  public void put(byte[] key, byte[] value) {
    commit(new ActorBatch().putShared(key, value));
  }

  public void delete(byte[] key) {
    commit(new ActorBatch().delete(key));
  }

  public void deleteRange(KeyRange range) {
    commit(new ActorBatch().deleteRange(range));
  }

  /** Deletes every key of the actor and its record, as one range delete. */
  public void deleteAll() {
    store.requireWritable();
    writeLock.lock();
    try {
      store.options().faults().beforeWrite(actorId, 1);
      try (WriteBatch wb = new WriteBatch()) {
        wb.deleteRange(prefix, PhysicalKeys.end(prefix, KeyRange.all()));
        wb.delete(recordKey);
        wb.delete(PhysicalKeys.migrationMarkerKey(actorId));
        forgetKnown(); // before the write: whether or not it happens, these lengths may be stale
        store.write(wb);
      } catch (RocksDBException e) {
        throw new StoreException("delete of actor " + actorId + " failed: " + e.getMessage(), e);
      }
      storageBytes = 0;
      layoutVersion = Namespace.CURRENT_VERSION;
      hasRecord = false;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Applies {@code batch} atomically. Checks key size, value size and the actor's storage quota first;
   * on any failure nothing is written and the in-memory count is unchanged.
   */
  public void commit(ActorBatch batch) {
    store.requireWritable();
    if (batch.isEmpty()) {
      return;
    }
    Limits limits = store.options().limits();
    writeLock.lock();
    try {
      long delta = 0;
      boolean legacy = false;
      // Sizes of keys touched earlier in this batch: value length, or -1 once deleted.
      List<ActorBatch.Op> ops = batch.opsView();
      // The overlay tracks keys changed earlier in the batch. A batch whose changes cannot overlap (one
      // change, or puts and deletes of distinct keys: the common case) needs none, and each old size is
      // read from the store alone.
      boolean overlapping = mayOverlap(ops);
      TreeMap<byte[], Integer> overlay = overlapping ? new TreeMap<>(UnsignedBytes.lexicographicalComparator()) : null;
      List<KeyRange> deletedRanges = overlapping ? new ArrayList<>() : List.of();
      // Physical keys of puts and deletes, built once for both the size lookup and the write.
      byte[][] physical = new byte[ops.size()][];
      for (int i = 0; i < ops.size(); i++) {
        ActorBatch.Op op = ops.get(i);
        switch (op) {
          case ActorBatch.Put p -> {
            if (p.key().length > limits.maxKeyBytes()) {
              throw new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, p.key().length, limits.maxKeyBytes());
            }
            if (p.value().length > limits.maxValueBytes()) {
              throw new LimitExceededException(
                  LimitExceededException.Limit.VALUE_SIZE, p.value().length, limits.maxValueBytes());
            }
            physical[i] = PhysicalKeys.physical(prefix, p.key());
            delta -= currentSize(p.key(), physical[i], overlay, deletedRanges);
            delta += p.key().length + p.value().length;
            if (overlay != null) {
              overlay.put(p.key(), p.value().length);
            }
            legacy |= LegacyKeys.isLegacy(p.key());
          }
          case ActorBatch.Delete d -> {
            if (d.key().length > limits.maxKeyBytes()) {
              throw new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, d.key().length, limits.maxKeyBytes());
            }
            physical[i] = PhysicalKeys.physical(prefix, d.key());
            delta -= currentSize(d.key(), physical[i], overlay, deletedRanges);
            if (overlay != null) {
              overlay.put(d.key(), -1);
            }
          }
          case ActorBatch.DeleteRange r -> {
            delta -= rangeSize(r.range(), overlay, deletedRanges);
            if (overlay != null) {
              deletedRanges.add(r.range());
              Map<byte[], Integer> inRange = subMap(overlay, r.range());
              for (byte[] k : new ArrayList<>(inRange.keySet())) {
                overlay.put(k, -1);
              }
            }
          }
        }
      }
      long newStorage = storageBytes + delta;
      if (delta > 0 && newStorage > limits.maxStorageBytes()) {
        throw new LimitExceededException(LimitExceededException.Limit.ACTOR_STORAGE, newStorage, limits.maxStorageBytes());
      }
      int newLayout = batch.layoutVersion() != null ? batch.layoutVersion() : legacy ? 0 : layoutVersion;
      store.options().faults().beforeWrite(actorId, batch.size());
      try (WriteBatch wb = new WriteBatch()) {
        for (int i = 0; i < ops.size(); i++) {
          switch (ops.get(i)) {
            case ActorBatch.Put p -> wb.put(physical[i], p.value());
            case ActorBatch.Delete d -> wb.delete(physical[i]);
            case ActorBatch.DeleteRange r -> {
              byte[] begin = PhysicalKeys.begin(prefix, r.range());
              byte[] end = PhysicalKeys.end(prefix, r.range());
              if (java.util.Arrays.compareUnsigned(begin, end) < 0) { // an empty range is not a RocksDB range
                wb.deleteRange(begin, end);
              }
            }
          }
        }
        if (delta != 0 || newLayout != layoutVersion || !hasRecord) {
          wb.put(recordKey, record(newStorage, newLayout));
        }
        byte[] marker = batch.migrationMarker();
        if (marker != null) {
          if (marker.length == 0) {
            wb.delete(PhysicalKeys.migrationMarkerKey(actorId));
          } else {
            wb.put(PhysicalKeys.migrationMarkerKey(actorId), marker);
          }
        }
        // Forgotten first: a write that throws may or may not have happened.
        forgetKnown();
        store.write(wb);
      } catch (RocksDBException e) {
        throw new StoreException("write of " + batch.size() + " changes for actor " + actorId + " failed: " + e.getMessage(), e);
      }
      remember(ops, physical, overlapping);
      storageBytes = newStorage;
      layoutVersion = newLayout;
      hasRecord = true;
    } finally {
      writeLock.unlock();
    }
  }

  private static byte[] record(long storage, int layoutVersion) {
    return RecordCodec.encodeActorRecord(layoutVersion, storage);
  }

  /** Largest batch whose keys are compared pairwise; larger ones are sorted (n log n) instead. */
  private static final int PAIRWISE_MAX = 16;

  /**
   * Whether a change of {@code ops} may touch a key an earlier one touched: true when the batch has a
   * range delete (next to any other change) or the same key twice.
   */
  static boolean mayOverlap(List<ActorBatch.Op> ops) {
    int n = ops.size();
    if (n < 2) {
      return false;
    }
    byte[][] keys = new byte[n][];
    for (int i = 0; i < n; i++) {
      switch (ops.get(i)) {
        case ActorBatch.Put p -> keys[i] = p.key();
        case ActorBatch.Delete d -> keys[i] = d.key();
        case ActorBatch.DeleteRange r -> {
          return true;
        }
      }
    }
    if (n <= PAIRWISE_MAX) {
      for (int i = 1; i < n; i++) {
        for (int j = 0; j < i; j++) {
          if (java.util.Arrays.equals(keys[i], keys[j])) {
            return true;
          }
        }
      }
      return false;
    }
    java.util.Arrays.sort(keys, java.util.Arrays::compareUnsigned);
    for (int i = 1; i < n; i++) {
      if (java.util.Arrays.equals(keys[i], keys[i - 1])) {
        return true;
      }
    }
    return false;
  }

  private static Map<byte[], Integer> subMap(TreeMap<byte[], Integer> overlay, KeyRange range) {
    return range.unboundedEnd() ? overlay.tailMap(range.begin(), true) : overlay.subMap(range.begin(), true, range.end(), false);
  }

  private static boolean inAny(byte[] key, List<KeyRange> ranges) {
    for (KeyRange r : ranges) {
      if (r.contains(key)) {
        return true;
      }
    }
    return false;
  }

  /** Current size (key + value) of {@code key}, counting earlier changes of the same batch. */
  private long currentSize(byte[] key, byte[] physicalKey, TreeMap<byte[], Integer> overlay, List<KeyRange> deletedRanges) {
    Integer o = overlay == null ? null : overlay.get(key);
    if (o != null) {
      return o < 0 ? 0 : key.length + o;
    }
    if (inAny(key, deletedRanges)) {
      return 0;
    }
    int length = knownLength(physicalKey);
    if (length == UNKNOWN) {
      length = store.rawValueLength(physicalKey);
    }
    return length < 0 ? 0 : key.length + length;
  }

  /** The length {@link #knownKeys} holds for {@code physicalKey} (-1: absent), or {@link #UNKNOWN}. */
  private int knownLength(byte[] physicalKey) {
    byte[][] keys = knownKeys;
    for (int i = 0; i < keys.length; i++) {
      if (java.util.Arrays.equals(keys[i], physicalKey)) {
        return knownLengths[i];
      }
    }
    return UNKNOWN;
  }

  private void forgetKnown() {
    knownKeys = NO_KEYS;
    knownLengths = NO_LENGTHS;
  }

  /**
   * After {@code ops} were written: remembers the lengths the keys of their last {@link #KNOWN_MAX} puts
   * and deletes now have. {@code physical} holds each op's physical key (fresh arrays, owned here).
   */
  private void remember(List<ActorBatch.Op> ops, byte[][] physical, boolean overlapping) {
    int from = Math.max(0, ops.size() - KNOWN_MAX);
    byte[][] keys = new byte[ops.size() - from][];
    int[] lengths = new int[keys.length];
    int n = 0;
    for (int i = from; i < ops.size(); i++) {
      int length;
      switch (ops.get(i)) {
        case ActorBatch.Put p -> length = p.value().length;
        case ActorBatch.Delete d -> length = -1;
        // Keys a range delete removed are absent now, remembered or not: remember none of this batch.
        case ActorBatch.DeleteRange r -> {
          return;
        }
      }
      int slot = n;
      if (overlapping) { // the same key twice: the later change is what the key holds now
        for (int j = 0; j < n; j++) {
          if (java.util.Arrays.equals(keys[j], physical[i])) {
            slot = j;
            break;
          }
        }
      }
      keys[slot] = physical[i];
      lengths[slot] = length;
      if (slot == n) {
        n++;
      }
    }
    if (n < keys.length) {
      keys = java.util.Arrays.copyOf(keys, n);
      lengths = java.util.Arrays.copyOf(lengths, n);
    }
    knownKeys = keys;
    knownLengths = lengths;
  }

  /** Bytes a range delete frees, counting earlier changes of the same batch. */
  private long rangeSize(KeyRange range, TreeMap<byte[], Integer> overlay, List<KeyRange> deletedRanges) {
    long[] sum = {0};
    try (KeyValueIterator it = store.newIterator(prefix, range, false)) {
      // Keys are needed only to skip those an earlier change of this batch already accounted for.
      it.forEachSize(overlay != null, (key, keyLength, valueLength) -> {
        if (overlay == null || (!overlay.containsKey(key) && !inAny(key, deletedRanges))) {
          sum[0] += keyLength + valueLength;
        }
      });
    }
    long total = sum[0];
    if (overlay == null) {
      return total;
    }
    for (Map.Entry<byte[], Integer> e : subMap(overlay, range).entrySet()) {
      if (e.getValue() >= 0) {
        total += e.getKey().length + e.getValue();
      }
    }
    return total;
  }

  @Override
  public String toString() {
    return "ActorKeyspace[" + actorId + "]";
  }
}
