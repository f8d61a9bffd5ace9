package dev.actorkv.store;

import com.google.common.primitives.UnsignedBytes;
import dev.actorkv.keyspace.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One actor's private, ordered keyspace inside an {@link ActorStore}. Every read and write is confined to
 * the actor's keys; no method can reach another actor's bytes. Writes go through
 * {@link #commit(ActorBatch)}: limits are checked first, then the batch and the actor's storage count
 * are written as one atomic write of the engine, and only then is the in-memory count updated.
 *
 * <p>Safe to use from several threads: commits of one actor are serialized by a lock so the storage
 * count stays exact. Managers still assume one logical writer per actor.
 *
 * <p><b>Ownership.</b> A writable store owns each actor whose handle it gave out (see
 * {@link ActorStore#actor}); on PostgreSQL every write checks the actor's epoch in its own transaction.
 * Once a write finds that another node took the actor over, it writes nothing and throws
 * {@link ActorFencedException}, and this handle is dead: every later call on it throws the same, so the
 * managers opened on it (queue, workflow, traces, SQLite) can neither write nor answer from the state
 * they hold in memory. {@link #close()} gives ownership up.
 */
public final class ActorKeyspace {
  private final ActorStore store;
  private final String actorId;
  private final StorageEngine.EngineActor engine;
  private final ReentrantLock writeLock = new ReentrantLock();
  private final Set<String> claims = ConcurrentHashMap.newKeySet();
  private final ReentrantLock openLock = new ReentrantLock();
  /** Set once the store's open hook returned normally for this handle; never cleared. */
  private volatile boolean opened;
  /** Exact storage in bytes; guarded by writeLock for writes, volatile for reads. */
  private volatile long storageBytes;
  /** The actor's metadata as last loaded or committed (null: none); guarded like storageBytes. */
  private volatile byte[] metadata;
  private volatile boolean hasRecord;
  /** Set once the actor was taken over (an {@link ActorFencedException}) or the handle closed; never cleared. */
  private volatile StoreException dead;
  /**
   * The keys the last commit put or deleted (at most {@link #KNOWN_MAX}) and their value
   * lengths since (-1: absent). The next commit takes an overwritten key's old length from here instead
   * of a native lookup: managers keep rewriting the keys of their last write (a workflow step records
   * its attempt, then its result, in the same entry and metadata keys; a queue rewrites its metadata).
   * Exact because every write of this actor's keys is a commit or {@link #deleteAll()} of this object
   * under writeLock; forgotten when a write fails or a batch deletes a range. Guarded by writeLock.
   */
  private byte[][] knownKeys = NO_KEYS;
  private int[] knownLengths = NO_LENGTHS;
  /**
   * An upper bound of the actor's keys, when {@code keyBoundKnown}: every key the actor holds is at most
   * {@code keyBound}, and null means it holds none. Known from a load that found the actor empty (the
   * engine saw no record and no key in the same round trip, or the embedded engine's count found no key:
   * an owned actor, which nothing but this handle writes) or from {@link #deleteAll()}. Every put raises
   * it before it is written, so it stays a bound whether or not the write lands; a delete never lowers it
   * (a bound need not be tight). A key above it is absent: a commit that appends keys in order (a
   * journal's events) needs no old lengths, so no lookup. Guarded by writeLock.
   */
  private byte @Nullable [] keyBound;
  private boolean keyBoundKnown;
  /**
   * Whether the actor is known to hold no key ({@code keyBoundKnown} with no bound). Its reads then
   * answer without asking the engine, which on PostgreSQL saves a new actor's first reads (a persistent
   * actor's recovery) their round trips. Written under writeLock, volatile for the reads.
   */
  private volatile boolean knownEmpty;

  /** How many alarms the actor has; -1 until first needed, and again after a write that failed. Guarded by writeLock. */
  private int alarmCount = -1;

  private static final int KNOWN_MAX = 8;
  private static final byte[][] NO_KEYS = new byte[0][];
  private static final int[] NO_LENGTHS = new int[0];
  private static final int UNKNOWN = Integer.MIN_VALUE;
  /** Entries an iterator expects to read: the first page of an engine that fetches in pages. */
  static final int ITERATOR_FETCH = 128;

  ActorKeyspace(ActorStore store, String actorId) {
    this.store = store;
    this.actorId = actorId;
    store.enter();
    try {
      this.engine = store.engine().actor(actorId);
      if (!store.options().readOnly()) {
        engine.acquire(); // before anything is read: what this handle loads is the owner's view
      }
    } finally {
      store.exit();
    }
    try {
      loadRecord();
    } catch (RuntimeException e) {
      releaseLease(); // nobody gets this handle: give the lease up at once
      throw e;
    }
  }

  private StorageEngine.ActorRecord readRecord() {
    store.enter();
    try {
      return engine.readRecord();
    } finally {
      store.exit();
    }
  }

  private void loadRecord() {
    StorageEngine.ActorRecord r;
    store.enter();
    try {
      r = engine.loadRecord();
    } finally {
      store.exit();
    }
    forgetKeyBound(); // before the recount below, which must read the engine
    if (r == null) {
      // No record: either a new actor, or data written without one (record lost). Recount, unless the
      // engine saw no key when it found no record.
      boolean empty = engine.loadedEmpty();
      long counted = empty ? 0 : scanStorageBytes();
      // An engine without leases is held by this process alone: no key now means none until this
      // handle writes one. (Behind a network only the acquisition's answer says so: others may write.)
      if (empty || (counted == 0 && !store.options().readOnly() && store.engine().heldLeases() < 0)) {
        knowEmpty();
      }
      hasRecord = false;
      storageBytes = counted;
      metadata = null;
      return;
    }
    hasRecord = true;
    storageBytes = r.storageBytes();
    metadata = r.metadata();
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

  public Limits limits() {
    return store.options().limits();
  }

  /** Exact bytes used: sum of logical key length plus value length over the actor's entries. */
  public long storageBytes() {
    checkUsable();
    return storageBytes;
  }

  /** {@link #storageBytes()} without the usability check, for the store's metrics. */
  long storageBytesUnchecked() {
    return storageBytes;
  }

  /**
   * The metrics of the store this actor is in: the managers opened on this keyspace record theirs there
   * ({@link StoreMetrics#component}).
   */
  public StoreMetrics metrics() {
    return store.metrics();
  }

  /**
   * The actor's metadata as last written by {@link ActorBatch#setMetadata} (a fresh array), or null when
   * it has none. Opaque to the store: the layers that write it define its format.
   */
  public byte @Nullable [] metadata() {
    checkUsable();
    byte[] m = metadata;
    return m == null ? null : m.clone();
  }

  /**
   * Runs {@code hook} unless it already returned normally for this handle, at most one hook at a time
   * per actor, so that concurrent {@link ActorStore#actor} calls do not run it twice.
   */
  void runOpenHook(ActorOpenHook hook) {
    if (opened) {
      return;
    }
    openLock.lock();
    try {
      if (!opened) {
        hook.onOpen(this);
        opened = true;
      }
    } finally {
      openLock.unlock();
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
    StorageEngine.ActorRecord r = readRecord();
    return r == null ? -1 : r.storageBytes();
  }

  /** Recounts storage by a scan and writes the result as the actor's record. Returns the count. */
  public long rebuildStorageCount() {
    store.requireWritable();
    writeLock.lock();
    try {
      checkUsable();
      long counted = scanStorageBytes();
      byte[] kept = metadata;
      store.enter();
      try {
        engine.writeRecord(new StorageEngine.ActorRecord(counted, kept));
      } catch (ActorFencedException e) {
        fence(e);
        throw e;
      } finally {
        store.exit();
      }
      storageBytes = counted;
      hasRecord = true;
      return counted;
    } finally {
      writeLock.unlock();
    }
  }

  // ------------------------------------------------------------------ reads

  /** The value at {@code key}, or null when absent. */
  public byte @Nullable [] get(byte[] key) {
    checkUsable();
    PhysicalKeys.checkLogical(key);
    store.options().faults().beforeRead(actorId);
    if (knownEmpty) {
      return null;
    }
    store.enter();
    try {
      return engine.get(key);
    } finally {
      store.exit();
    }
  }

  /** Values of {@code keys} in the same order, null where absent. */
  public List<byte[]> multiGet(List<byte[]> keys) {
    checkUsable();
    if (keys.isEmpty()) {
      return new ArrayList<>(); // engines need not take an empty key list (RocksDB's multiGetAsList does not)
    }
    store.options().faults().beforeRead(actorId);
    for (byte[] k : keys) {
      PhysicalKeys.checkLogical(k);
    }
    if (knownEmpty) {
      return new ArrayList<>(java.util.Collections.nCopies(keys.size(), null));
    }
    store.enter();
    try {
      return engine.multiGet(keys);
    } finally {
      store.exit();
    }
  }

  /** A bounded iterator over {@code range}; close it. */
  public KeyValueIterator iterator(KeyRange range, boolean reverse) {
    return iterator(range, reverse, ITERATOR_FETCH);
  }

  private KeyValueIterator iterator(KeyRange range, boolean reverse, int firstFetch) {
    store.options().faults().beforeRead(actorId);
    return rawIterator(range, reverse, firstFetch);
  }

  /** An iterator without the read fault hook, for the store's own accounting reads. */
  private KeyValueIterator rawIterator(KeyRange range, boolean reverse, int firstFetch) {
    checkUsable();
    if (knownEmpty) {
      return store.iterator(StorageEngine.Cursor.NONE);
    }
    store.enter();
    try {
      return store.iterator(engine.cursor(range, reverse, firstFetch));
    } finally {
      store.exit();
    }
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
    try (KeyValueIterator it = iterator(range, reverse, Math.min(limit, ITERATOR_FETCH * 8))) {
      it.drainTo(out, limit);
    }
    return out;
  }

  /** The first entry of {@code range} (last when {@code reverse}), or null when it is empty. */
  public @Nullable KeyValue first(KeyRange range, boolean reverse) {
    try (KeyValueIterator it = iterator(range, reverse, 1)) {
      return it.hasNext() ? it.next() : null;
    }
  }

  // ------------------------------------------------------------------ alarms

  /** The actor's alarm {@code name}, or null when it has none. */
  public @Nullable Alarm alarm(String name) {
    Alarm.checkName(name);
    checkUsable();
    store.enter();
    try {
      return engine.alarm(name);
    } finally {
      store.exit();
    }
  }

  /** Every alarm of the actor, ordered by name (by the names' UTF-8 bytes). */
  public List<Alarm> alarms() {
    checkUsable();
    store.enter();
    try {
      return engine.alarms();
    } finally {
      store.exit();
    }
  }

  /**
   * Replaces the actor's alarm {@code expected} by {@code replacement} (null: deletes it) only when the
   * alarm of that name is still exactly {@code expected} (same due time and payload), as one write under
   * the actor's commit lock; returns whether it did. A scheduler deletes an alarm it delivered with this,
   * so an alarm set again meanwhile (e.g. by the handler itself) is kept.
   *
   * @throws IllegalArgumentException when {@code replacement} has another name
   */
  public boolean compareAndSetAlarm(Alarm expected, @Nullable Alarm replacement) {
    java.util.Objects.requireNonNull(expected, "expected");
    if (replacement != null && !replacement.name().equals(expected.name())) {
      throw new IllegalArgumentException("the replacement of alarm " + Alarm.quote(expected.name())
          + " has another name: " + Alarm.quote(replacement.name()));
    }
    store.requireWritable();
    writeLock.lock();
    try {
      if (!expected.equals(alarm(expected.name()))) {
        return false;
      }
      ActorBatch b = new ActorBatch();
      if (replacement == null) {
        b.deleteAlarm(expected.name());
      } else {
        b.setAlarm(replacement);
      }
      commit(b);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * The alarm writes of {@code batch} with the alarms they replace, after checking the actor's alarm
   * count against {@code limits}; {@code newCount[0]} receives the count after the write.
   */
  private List<StorageEngine.AlarmWrite> alarmWrites(ActorBatch batch, Limits limits, int[] newCount) {
    if (!batch.hasAlarmChanges()) {
      newCount[0] = alarmCount;
      return List.of();
    }
    List<ActorBatch.AlarmChange> changes = batch.alarmChanges();
    List<String> names = new ArrayList<>(changes.size());
    for (ActorBatch.AlarmChange c : changes) {
      names.add(c.name());
    }
    Map<String, Alarm> previous;
    store.enter();
    try {
      if (alarmCount < 0) {
        alarmCount = engine.alarmCount();
      }
      previous = engine.alarms(names);
    } finally {
      store.exit();
    }
    int count = alarmCount;
    List<StorageEngine.AlarmWrite> writes = new ArrayList<>(changes.size());
    for (ActorBatch.AlarmChange c : changes) {
      Alarm old = previous.get(c.name());
      if (c.isDelete()) {
        if (old == null) {
          continue; // nothing to delete: nothing to write
        }
        count--;
      } else if (old == null) {
        count++;
      }
      writes.add(new StorageEngine.AlarmWrite(c.name(), old, c.alarm()));
    }
    if (count > limits.maxAlarmsPerActor() && count > alarmCount) {
      throw new LimitExceededException(LimitExceededException.Limit.ALARM_COUNT, count, limits.maxAlarmsPerActor());
    }
    newCount[0] = count;
    return writes;
  }

  // ------------------------------------------------------------------ writes

  public ActorBatch batch() {
    return new ActorBatch();
  }

  public void put(byte[] key, byte[] value) {
    commit(new ActorBatch().putOwned(key, value)); // the arrays are not kept past this call
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
    StoreMetrics metrics = store.metrics();
    boolean timed = metrics.timed();
    long start = timed ? System.nanoTime() : 0;
    writeLock.lock();
    try {
      checkUsable();
      store.options().faults().beforeWrite(actorId, 1);
      forgetKnown(); // before the write: whether or not it happens, these lengths may be stale
      alarmCount = -1;
      store.enter();
      store.alarmIndexShared().lock();
      try {
        engine.deleteAll();
      } catch (ActorFencedException e) {
        fence(e);
        throw e;
      } finally {
        store.alarmIndexShared().unlock();
        store.exit();
      }
      alarmCount = 0;
      storageBytes = 0;
      metadata = null;
      hasRecord = false;
      knowEmpty();
      metrics.committed(start, timed, 0);
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
    StoreMetrics metrics = store.metrics();
    boolean timed = metrics.timed(); // no clock read per commit unless a duration is recorded
    long start = timed ? System.nanoTime() : 0;
    Limits limits = store.options().limits();
    writeLock.lock();
    try {
      checkUsable();
      List<ActorBatch.Op> ops = batch.opsView();
      checkSizes(ops, limits);
      int[] newAlarmCount = {0};
      List<StorageEngine.AlarmWrite> alarmWrites = alarmWrites(batch, limits, newAlarmCount);
      // The old value lengths of the keys put or deleted, known from the last commit or asked of the
      // engine for all keys at once (one round trip on an engine behind a network). An engine that counts
      // in the commit (PostgreSQL) is not asked: the keys it must count go with the commit, which then is
      // the only round trip; until it answers they count as absent (a range delete needs the lengths first).
      List<byte[]> unknown = engine.countsInCommit() && !hasRangeDelete(ops) ? new ArrayList<>() : null;
      int[] stored = storedLengths(ops, unknown);
      long delta = 0;
      long putBytes = 0;
      // The overlay tracks keys changed earlier in the batch (value length, or -1 once deleted). A batch
      // whose changes cannot overlap (one change, or puts and deletes of distinct keys: the common case)
      // needs none, and each old size is the stored one.
      boolean overlapping = mayOverlap(ops);
      TreeMap<byte[], Integer> overlay = overlapping ? new TreeMap<>(UnsignedBytes.lexicographicalComparator()) : null;
      List<KeyRange> deletedRanges = overlapping ? new ArrayList<>() : List.of();
      for (int i = 0; i < ops.size(); i++) {
        ActorBatch.Op op = ops.get(i);
        switch (op) {
          case ActorBatch.Put p -> {
            delta -= currentSize(p.key(), stored[i], overlay, deletedRanges);
            delta += p.key().length + p.value().length;
            putBytes += p.key().length + p.value().length;
            if (overlay != null) {
              overlay.put(p.key(), p.value().length);
            }
          }
          case ActorBatch.Delete d -> {
            delta -= currentSize(d.key(), stored[i], overlay, deletedRanges);
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
      boolean counting = unknown != null && !unknown.isEmpty();
      if (!counting && delta > 0 && newStorage > limits.maxStorageBytes()) {
        throw new LimitExceededException(LimitExceededException.Limit.ACTOR_STORAGE, newStorage, limits.maxStorageBytes());
      }
      byte[] setMetadata = batch.metadata();
      byte[] newMetadata = setMetadata == null ? metadata : setMetadata.length == 0 ? null : setMetadata;
      store.options().faults().beforeWrite(actorId, batch.size());
      boolean recordChanged = delta != 0 || setMetadata != null || !hasRecord;
      // Forgotten first: a write that throws may or may not have happened. The key bound is raised first
      // for the same reason.
      forgetKnown();
      raiseKeyBound(ops);
      boolean alarms = !alarmWrites.isEmpty();
      if (alarms) {
        alarmCount = -1;
      }
      try {
        store.enter();
        if (alarms) {
          store.alarmIndexShared().lock();
        }
        try {
          if (counting) {
            // The same limit as above, for the storage once the engine has subtracted what the unknown
            // keys held: growing beyond the limit is refused, shrinking (or staying) never is.
            long ceiling = Math.max(limits.maxStorageBytes(), storageBytes);
            StorageEngine.CountedCommit c = engine.commitCounting(
                ops, alarmWrites, distinct(unknown, overlapping), newStorage, ceiling, newMetadata);
            newStorage -= c.storedBytes();
            if (!c.written()) {
              throw new LimitExceededException(
                  LimitExceededException.Limit.ACTOR_STORAGE, newStorage, limits.maxStorageBytes());
            }
          } else {
            engine.commit(ops, alarmWrites, new StorageEngine.ActorRecord(newStorage, newMetadata), recordChanged);
          }
        } finally {
          if (alarms) {
            store.alarmIndexShared().unlock();
          }
          store.exit();
        }
      } catch (ConcurrentCommitException e) {
        loadRecord(); // written elsewhere: this store's count is stale, the next commit starts from the new one
        throw e;
      } catch (ActorFencedException e) {
        fence(e);
        throw e;
      }
      remember(ops, overlapping);
      storageBytes = newStorage;
      metadata = newMetadata;
      hasRecord = true;
      if (alarms) {
        alarmCount = newAlarmCount[0];
        store.alarmsSet(actorId, alarmWrites);
      }
      metrics.committed(start, timed, putBytes);
    } finally {
      writeLock.unlock();
    }
  }

  /** Checks every key and value of {@code ops} against {@code limits}, in order, before anything is read. */
  private static void checkSizes(List<ActorBatch.Op> ops, Limits limits) {
    for (ActorBatch.Op op : ops) {
      switch (op) {
        case ActorBatch.Put p -> {
          if (p.key().length > limits.maxKeyBytes()) {
            throw new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, p.key().length, limits.maxKeyBytes());
          }
          if (p.value().length > limits.maxValueBytes()) {
            throw new LimitExceededException(
                LimitExceededException.Limit.VALUE_SIZE, p.value().length, limits.maxValueBytes());
          }
        }
        case ActorBatch.Delete d -> {
          if (d.key().length > limits.maxKeyBytes()) {
            throw new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, d.key().length, limits.maxKeyBytes());
          }
        }
        case ActorBatch.DeleteRange r -> {}
      }
    }
  }

  /**
   * For each put or delete of {@code ops}, the length its key's value has in the store before the batch
   * (-1: absent); 0 for range deletes. Remembered lengths first, then one engine call for the rest; or,
   * when {@code unknown} is given, the rest are added to it (in order, a key as often as it comes) and
   * left {@link #UNKNOWN}, which counts as absent.
   */
  private int[] storedLengths(List<ActorBatch.Op> ops, List<byte[]> unknown) {
    int[] stored = new int[ops.size()];
    int[] ask = null;
    int asked = 0;
    for (int i = 0; i < ops.size(); i++) {
      byte[] key = switch (ops.get(i)) {
        case ActorBatch.Put p -> p.key();
        case ActorBatch.Delete d -> d.key();
        case ActorBatch.DeleteRange r -> null;
      };
      if (key == null) {
        continue;
      }
      int length = knownLength(key);
      if (length == UNKNOWN) {
        if (ask == null) {
          ask = new int[ops.size()];
        }
        ask[asked++] = i;
      }
      stored[i] = length;
    }
    if (asked == 0) {
      return stored;
    }
    List<byte[]> keys = unknown != null ? unknown : new ArrayList<>(asked);
    for (int j = 0; j < asked; j++) {
      keys.add(switch (ops.get(ask[j])) {
        case ActorBatch.Put p -> p.key();
        case ActorBatch.Delete d -> d.key();
        case ActorBatch.DeleteRange r -> throw new AssertionError("range deletes have no stored length");
      });
    }
    if (unknown != null) {
      return stored;
    }
    int[] lengths;
    store.enter();
    try {
      lengths = engine.valueLengths(keys);
    } finally {
      store.exit();
    }
    for (int j = 0; j < asked; j++) {
      stored[ask[j]] = lengths[j];
    }
    return stored;
  }

  private static boolean hasRangeDelete(List<ActorBatch.Op> ops) {
    for (ActorBatch.Op op : ops) {
      if (op instanceof ActorBatch.DeleteRange) {
        return true;
      }
    }
    return false;
  }

  /** {@code keys} without repeats ({@code mayRepeat} false: known to have none). */
  private static List<byte[]> distinct(List<byte[]> keys, boolean mayRepeat) {
    if (!mayRepeat) {
      return keys;
    }
    java.util.TreeSet<byte[]> seen = new java.util.TreeSet<>(UnsignedBytes.lexicographicalComparator());
    List<byte[]> out = new ArrayList<>(keys.size());
    for (byte[] k : keys) {
      if (seen.add(k)) {
        out.add(k);
      }
    }
    return out;
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

  /**
   * Current size (key + value) of {@code key}, counting earlier changes of the same batch;
   * {@code stored} is its value's length in the store before the batch (-1: absent).
   */
  private static long currentSize(byte[] key, int stored, TreeMap<byte[], Integer> overlay, List<KeyRange> deletedRanges) {
    Integer o = overlay == null ? null : overlay.get(key);
    if (o != null) {
      return o < 0 ? 0 : key.length + o;
    }
    if (inAny(key, deletedRanges)) {
      return 0;
    }
    return stored < 0 ? 0 : key.length + stored;
  }

  /** The length {@link #knownKeys} holds for {@code key} (-1: absent), or {@link #UNKNOWN}. */
  private int knownLength(byte[] key) {
    byte[][] keys = knownKeys;
    for (int i = 0; i < keys.length; i++) {
      if (java.util.Arrays.equals(keys[i], key)) {
        return knownLengths[i];
      }
    }
    if (keyBoundKnown && (keyBound == null || java.util.Arrays.compareUnsigned(key, keyBound) > 0)) {
      return -1; // above every key the actor holds
    }
    return UNKNOWN;
  }

  private void forgetKnown() {
    knownKeys = NO_KEYS;
    knownLengths = NO_LENGTHS;
  }

  /** The actor holds no key (and only this handle writes it): a known bound of none. */
  private void knowEmpty() {
    keyBoundKnown = true;
    keyBound = null;
    knownEmpty = true;
  }

  private void forgetKeyBound() {
    keyBoundKnown = false;
    keyBound = null;
    knownEmpty = false;
  }

  /** Before {@code ops} are written: raises the key bound to their largest put (see {@link #keyBound}). */
  private void raiseKeyBound(List<ActorBatch.Op> ops) {
    if (!keyBoundKnown) {
      return;
    }
    byte[] bound = keyBound;
    for (ActorBatch.Op op : ops) {
      if (op instanceof ActorBatch.Put p && (bound == null || java.util.Arrays.compareUnsigned(p.key(), bound) > 0)) {
        bound = p.key();
      }
    }
    if (bound != keyBound) {
      keyBound = bound.clone(); // a batch built by put shares the caller's array
      knownEmpty = false;
    }
  }

  /**
   * After {@code ops} were written: remembers the lengths the keys of their last {@link #KNOWN_MAX} puts
   * and deletes now have. Keys are copied: a batch built by {@link #put} shares the caller's arrays.
   */
  private void remember(List<ActorBatch.Op> ops, boolean overlapping) {
    int from = Math.max(0, ops.size() - KNOWN_MAX);
    byte[][] keys = new byte[ops.size() - from][];
    int[] lengths = new int[keys.length];
    int n = 0;
    for (int i = from; i < ops.size(); i++) {
      int length;
      byte[] key;
      switch (ops.get(i)) {
        case ActorBatch.Put p -> {
          length = p.value().length;
          key = p.key();
        }
        case ActorBatch.Delete d -> {
          length = -1;
          key = d.key();
        }
        // Keys a range delete removed are absent now, remembered or not: remember none of this batch.
        case ActorBatch.DeleteRange r -> {
          return;
        }
      }
      int slot = n;
      if (overlapping) { // the same key twice: the later change is what the key holds now
        for (int j = 0; j < n; j++) {
          if (java.util.Arrays.equals(keys[j], key)) {
            slot = j;
            break;
          }
        }
      }
      keys[slot] = slot == n ? key.clone() : keys[slot];
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
    try (KeyValueIterator it = rawIterator(range, false, ITERATOR_FETCH * 8)) {
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

  // ------------------------------------------------------------------ ownership

  /**
   * Throws when this handle may no longer be used: the store is closed ("store is closed"), the actor was
   * taken over by another node ({@link ActorFencedException}), or the handle was closed. Managers that
   * answer a call from memory call it first, so that a dead handle answers nothing.
   */
  public void checkUsable() {
    store.checkOpen();
    StoreException d = dead;
    if (d != null) {
      throw d instanceof ActorFencedException f
          ? new ActorFencedException(actorId, f.epoch(), "this handle is dead; get a new one from the store")
          : new StoreException(d.getMessage());
    }
    try {
      engine.checkFenced();
    } catch (ActorFencedException e) {
      fence(e);
      throw e;
    }
  }

  /** Whether the handle is dead (taken over or closed): the store then hands out a new one. */
  boolean isDead() {
    return dead != null;
  }

  /** The actor was taken over: from now on this handle refuses everything and the store forgets it. */
  private void fence(ActorFencedException e) {
    if (dead == null) {
      dead = e;
    }
    forgetKnown(); // the store replaces this handle on the next actor(id)
    forgetKeyBound();
  }

  /**
   * Closes this handle and gives the actor's ownership up, so that another node may take it over at once
   * (on RocksDB there is nothing to give up). Every later call on the handle throws; {@link ActorStore#actor}
   * hands out a new one. Closing the store closes every handle.
   */
  public void close() {
    if (closeLeavingLease()) {
      releaseLease();
    }
  }

  /**
   * Closes this handle as {@link #close()} does but leaves its lease to the caller; false when it was
   * closed or dead already. {@link ActorStore#closeAll} gives many leases up at once after it.
   */
  boolean closeLeavingLease() {
    writeLock.lock();
    try {
      if (dead != null) {
        return false;
      }
      dead = new StoreException("the handle of actor " + ActorOwnedException.quote(actorId) + " is closed");
      forgetKnown();
      store.forget(this);
      return true;
    } finally {
      writeLock.unlock();
    }
  }

  StorageEngine.EngineActor engineActor() {
    return engine;
  }

  private void releaseLease() {
    store.releaseLeases(engine::release);
  }

  @Override
  public String toString() {
    return "ActorKeyspace[" + actorId + "]";
  }
}
