package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.StampedLock;
import org.jspecify.annotations.Nullable;

/**
 * A store holding many actors' keyspaces on one {@link StorageEngine}: embedded RocksDB
 * ({@link #open(Path)}) or another engine ({@link #open(StorageEngine, StoreOptions)}, e.g. PostgreSQL
 * through {@code dev.actorkv.store.postgres.PostgresEngine}). Open it with try-with-resources, then get an
 * actor's keyspace with {@link #actor(String)}. Safe to share between threads; many actors can be used in
 * parallel.
 *
 * <p><b>Durability.</b> On RocksDB, by default ({@link Durability#WAL}) every commit is appended to
 * RocksDB's write-ahead log (a {@code write(2)} into the OS page cache) before {@code commit} returns, but
 * the log is <em>not</em> fsynced per commit: a committed write survives a crash or SIGKILL of the
 * process, but an operating-system crash or power loss can lose the most recent commits (whole commits
 * only, never part of one). {@link Durability#SYNC} fsyncs the log on every commit; {@link #sync()}
 * forces one fsync on demand; {@link #close()} syncs the log before closing.
 *
 * <p><b>Closing.</b> {@link #close()} waits for operations in flight, then closes every iterator and
 * snapshot still open; any later use of the store, its keyspaces, iterators or snapshots throws
 * {@link StoreException} ("store is closed") instead of touching freed native memory.
 */
public final class ActorStore implements AutoCloseable {
  /** Format of the physical layout this library writes. */
  public static final int FORMAT_VERSION = 1;

  private final StorageEngine engine;
  private final StoreOptions options;
  private final ConcurrentHashMap<String, ActorKeyspace> actors = new ConcurrentHashMap<>();
  /**
   * Read side held by every engine call, write side by {@link #close()}: the engine's objects (RocksDB's
   * native ones) must not be freed while another thread is inside them.
   */
  private final StampedLock lifecycle = new StampedLock();
  /** Read side; no engine call path enters twice, so a non-reentrant lock is enough and cheaper. */
  private final Lock inFlight = lifecycle.asReadLock();
  private final Lock closing = lifecycle.asWriteLock();
  /** Iterators and snapshots not yet closed; close() releases them before the engine. */
  private final Set<NativeResource> openResources = ConcurrentHashMap.newKeySet();
  private final StoreMetrics metrics;
  private volatile boolean closed;
  /**
   * Shared by every write that changes alarms, exclusive for {@link #repairAlarmIndex()}: the rebuild
   * reads the records and writes the index in one go, which a concurrent alarm write would make stale.
   */
  private final java.util.concurrent.locks.ReentrantReadWriteLock alarmIndex = new java.util.concurrent.locks.ReentrantReadWriteLock();
  /** Told of every alarm a commit of this process sets (a scheduler that may have to wake earlier). */
  private final java.util.concurrent.CopyOnWriteArrayList<java.util.function.Consumer<DueAlarm>> alarmWatchers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  /** An engine object tied to the store that close() must release first. */
  interface NativeResource {
    void releaseNative();
  }

  private ActorStore(StorageEngine engine, StoreOptions options) {
    this.engine = engine;
    this.options = options;
    this.metrics = new StoreMetrics(options.meterProvider(), engine.kind(), this, engine);
  }

  public static ActorStore open(Path directory) {
    return open(directory, StoreOptions.DEFAULTS);
  }

  /**
   * Opens (or, when allowed, creates) the embedded RocksDB store in {@code directory}. Refuses a store
   * written in a newer format with {@link IncompatibleStoreException}.
   */
  public static ActorStore open(Path directory, StoreOptions options) {
    Objects.requireNonNull(options, "options");
    return new ActorStore(RocksDbEngine.open(directory, options), options);
  }

  /** A store on {@code engine}, which it owns from now on: closing the store closes the engine. */
  public static ActorStore open(StorageEngine engine, StoreOptions options) {
    return new ActorStore(Objects.requireNonNull(engine, "engine"), Objects.requireNonNull(options, "options"));
  }

  /** The directory of an embedded RocksDB store, or null for a store on another engine. */
  public @Nullable Path directory() {
    return engine instanceof RocksDbEngine rocks ? rocks.directory() : null;
  }

  /** Where the store lives, for messages: a directory, or a database URI without its password. */
  public String location() {
    return engine.location();
  }

  StorageEngine engine() {
    return engine;
  }

  public StoreOptions options() {
    return options;
  }

  /** The metrics of this store and of the managers opened on it (see {@link StoreOptions#meterProvider()}). */
  public StoreMetrics metrics() {
    return metrics;
  }

  /** Exact storage of the actors whose handles are open, summed (for metrics). */
  long openActorStorage() {
    long sum = 0;
    for (ActorKeyspace a : actors.values()) {
      if (!a.isDead()) {
        sum += a.storageBytesUnchecked();
      }
    }
    return sum;
  }

  /** Actor handles open (for metrics). */
  long openActorCount() {
    long n = 0;
    for (ActorKeyspace a : actors.values()) {
      if (!a.isDead()) {
        n++;
      }
    }
    return n;
  }

  /**
   * The keyspace of {@code actorId} (any string; the same object for the same id). The options'
   * {@link StoreOptions#openHook()} runs first, until it returned normally once for this handle (see
   * {@link ActorOpenHook}): it may bring the actor up to date, or refuse it by throwing.
   */
  public ActorKeyspace actor(String actorId) {
    Objects.requireNonNull(actorId, "actorId");
    if (closed) {
      throw closedError();
    }
    ActorKeyspace actor = actors.get(actorId); // the common case: no validation, no allocation
    if (actor == null || actor.isDead()) {
      checkActorId(actorId);
      // A handle that was taken over or closed is replaced by a new one, which takes ownership anew.
      actor = actors.compute(actorId, (id, old) -> old != null && !old.isDead() ? old : new ActorKeyspace(this, id));
    }
    // Also for a known actor: an earlier run of the hook may have thrown.
    if (options.openHook() != ActorOpenHook.NONE) {
      actor.runOpenHook(options.openHook());
    }
    return actor;
  }

  /**
   * Like {@link #actor(String)}, but while another node owns the actor ({@link ActorOwnedException}),
   * tries again until {@code wait} has passed (then throws the last refusal): for a runtime that moves an
   * actor from a node that stopped, whose lease runs out within the lease time.
   */
  public ActorKeyspace actor(String actorId, java.time.Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      try {
        return actor(actorId);
      } catch (ActorOwnedException e) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw e;
        }
        try {
          Thread.sleep(Math.max(1, Math.min(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(left), 100)));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Closes {@code handles} as {@link ActorKeyspace#close()} does each, giving their ownership up in one
   * call (one statement on PostgreSQL, where closing them one by one costs a round trip each): for a runtime
   * that lets many idle actors go at once. Handles closed already are skipped.
   */
  public void closeAll(java.util.Collection<ActorKeyspace> handles) {
    List<StorageEngine.EngineActor> leases = new ArrayList<>(handles.size());
    for (ActorKeyspace a : handles) {
      if (a.closeLeavingLease()) {
        leases.add(a.engineActor());
      }
    }
    if (!leases.isEmpty()) {
      releaseLeases(() -> engine.releaseAll(leases));
    }
  }

  /**
   * Runs {@code release}, which gives leases up, unless the store is read-only (it took none) or closing
   * (closing releases them all). A database that cannot be reached is no error: the leases run out by
   * themselves, and the epochs still fence.
   */
  void releaseLeases(Runnable release) {
    if (options.readOnly() || !tryEnter()) {
      return;
    }
    try {
      release.run();
    } catch (StoreException e) {
      // The database could not be reached: see above.
    } finally {
      exit();
    }
  }

  /** Forgets a handle that was closed or taken over (when it is still the store's handle of its actor). */
  void forget(ActorKeyspace actor) {
    actors.remove(actor.actorId(), actor);
  }

  /**
   * Ownership as the store records it: every actor that was ever owned, or only {@code actorId} when
   * not null, in actor order. Empty on RocksDB, where the one process holding the store owns every actor.
   */
  public List<ActorOwner> owners(String actorId) {
    enter();
    try {
      return engine.owners(actorId);
    } finally {
      exit();
    }
  }

  /**
   * Refuses, before anything reads or writes, an id that is not valid Unicode (an unpaired surrogate:
   * IllegalArgumentException) or longer than {@link Limits#maxActorIdBytes()} in UTF-8. Every physical
   * key of the actor repeats the id, so its length multiplies into the size of every key.
   */
  private void checkActorId(String actorId) {
    int bytes = com.google.common.base.Utf8.encodedLength(actorId); // throws on an unpaired surrogate
    int max = options.limits().maxActorIdBytes();
    if (bytes > max) {
      throw new LimitExceededException(LimitExceededException.Limit.ACTOR_ID_SIZE, bytes, max);
    }
  }

  /** Throws {@link ReadOnlyStoreException} on a read-only store: called before a write touches anything. */
  void requireWritable() {
    if (options.readOnly()) {
      throw new ReadOnlyStoreException("store at " + location() + " is open read-only: writes are refused");
    }
  }

  /**
   * Ids of actors that have a record, in order, starting after {@code afterExclusive} (null for the
   * first page), at most {@code limit}.
   */
  public List<String> actorIds(String afterExclusive, int limit) {
    enter();
    try {
      return engine.actorIds(afterExclusive, limit);
    } finally {
      exit();
    }
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

  // ------------------------------------------------------------------ alarms (issue 20)

  /**
   * The alarms due at or before {@code upTo} across all actors, earliest first (by due time, then actor
   * id, then alarm name), at most {@code limit}. An index seek: O(log n + limit) in the number of alarms
   * of the store, never a scan of actors.
   */
  public List<DueAlarm> dueAlarms(java.time.Instant upTo, int limit) {
    Objects.requireNonNull(upTo, "upTo");
    long upToMillis = upTo.isBefore(Alarm.MIN_DUE) ? -1 : upTo.isAfter(Alarm.MAX_DUE) ? Long.MAX_VALUE : upTo.toEpochMilli();
    return alarmsByDue(null, upToMillis, limit);
  }

  /** When the next alarm of the whole store is due (possibly in the past), or empty when there is none. O(log n). */
  public java.util.Optional<java.time.Instant> nextAlarmDue() {
    List<DueAlarm> first = alarmsByDue(null, Long.MAX_VALUE, 1);
    return first.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(first.getFirst().due());
  }

  /**
   * One page of every pending alarm of the store, earliest first (the order of {@link #dueAlarms}):
   * those after {@code afterExclusive} (null: from the first; pass the last entry of the previous page),
   * at most {@code limit}.
   */
  public List<DueAlarm> pendingAlarms(DueAlarm afterExclusive, int limit) {
    return alarmsByDue(afterExclusive, Long.MAX_VALUE, limit);
  }

  private List<DueAlarm> alarmsByDue(DueAlarm after, long upToMillis, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0: " + limit);
    }
    if (limit == 0) {
      return List.of();
    }
    enter();
    try {
      return engine.alarmsByDue(after, upToMillis, limit);
    } finally {
      exit();
    }
  }

  /**
   * Verifies the store-wide due-time index against the actors' alarm records: an alarm without its index
   * entry, an index entry without its alarm (or at another due time), undecodable records or entries,
   * and alarms of an actor without a record. Empty when consistent. Read-only; for {@code keyspace check}.
   */
  public List<AlarmProblem> checkAlarms() {
    enter();
    try {
      return engine.checkAlarms();
    } finally {
      exit();
    }
  }

  /**
   * Rebuilds the due-time index from the alarm records in one atomic write (alarm writes of this process
   * wait meanwhile) and returns how many entries it holds. On an engine whose index the database keeps
   * (PostgreSQL) there is nothing to rebuild; it returns the number of alarms.
   */
  public int repairAlarmIndex() {
    requireWritable();
    enter();
    alarmIndex.writeLock().lock();
    try {
      return engine.rebuildAlarmIndex();
    } finally {
      alarmIndex.writeLock().unlock();
      exit();
    }
  }

  /**
   * Calls {@code watcher} after every commit of this process that sets an alarm, with the earliest alarm
   * it set (on the committing thread; keep it short and never throw). Lets a scheduler that sleeps until
   * its next due time wake earlier. Close the returned handle to stop.
   */
  public AutoCloseable watchAlarms(java.util.function.Consumer<DueAlarm> watcher) {
    Objects.requireNonNull(watcher, "watcher");
    alarmWatchers.add(watcher);
    return () -> alarmWatchers.remove(watcher);
  }

  java.util.concurrent.locks.Lock alarmIndexShared() {
    return alarmIndex.readLock();
  }

  /** After a commit of {@code actorId} with {@code writes} landed: tells the watchers of its earliest set alarm. */
  void alarmsSet(String actorId, List<StorageEngine.AlarmWrite> writes) {
    if (alarmWatchers.isEmpty()) {
      return;
    }
    Alarm earliest = null;
    for (StorageEngine.AlarmWrite w : writes) {
      if (w.alarm() != null && (earliest == null || w.alarm().due().isBefore(earliest.due()))) {
        earliest = w.alarm();
      }
    }
    if (earliest == null) {
      return;
    }
    DueAlarm due = new DueAlarm(actorId, earliest.name(), earliest.due());
    for (java.util.function.Consumer<DueAlarm> w : alarmWatchers) {
      try {
        w.accept(due);
      } catch (RuntimeException e) {
        // A watcher's failure must not turn a commit that landed into an error.
      }
    }
  }

  /** Forces the write-ahead log to disk (on engines whose commits are not durable when acknowledged). */
  public void sync() {
    enter();
    try {
      options.faults().beforeSync();
      engine.sync();
    } finally {
      exit();
    }
  }

  /** A read-only snapshot for consistent multi-key reads across actors; close it. */
  public StoreSnapshot snapshot() {
    enter();
    try {
      return new StoreSnapshot(this, engine.snapshot());
    } finally {
      exit();
    }
  }

  /** Wraps an engine cursor opened by the caller inside {@link #enter()}. */
  KeyValueIterator iterator(StorageEngine.Cursor cursor) {
    return new KeyValueIterator(this, cursor);
  }

  void register(NativeResource r) {
    openResources.add(r);
  }

  void unregister(NativeResource r) {
    openResources.remove(r);
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
    metrics.close(); // no collection calls into a closed store
    closing.lock();
    try {
      for (NativeResource r : List.copyOf(openResources)) {
        r.releaseNative();
      }
      openResources.clear();
      engine.close();
    } finally {
      closing.unlock();
    }
  }

  /**
   * A consistent point-in-time view of the whole store, for dump, export and check. Close it; closing
   * the store closes it too.
   */
  public static final class StoreSnapshot implements AutoCloseable, NativeResource {
    private final ActorStore store;
    private final StorageEngine.EngineSnapshot snapshot;
    private boolean released;

    StoreSnapshot(ActorStore store, StorageEngine.EngineSnapshot snapshot) {
      this.store = store;
      this.snapshot = snapshot;
      store.register(this);
    }

    /** Iterates {@code actorId}'s keys in {@code range} as of the snapshot. */
    public KeyValueIterator iterator(String actorId, KeyRange range, boolean reverse) {
      PhysicalKeys.checkActorId(actorId);
      return read(() -> store.iterator(snapshot.cursor(actorId, range, reverse, ActorKeyspace.ITERATOR_FETCH)));
    }

    /** The alarms of {@code actorId} as of the snapshot, ordered by name. */
    public List<Alarm> alarms(String actorId) {
      PhysicalKeys.checkActorId(actorId);
      return read(() -> snapshot.alarms(actorId));
    }

    /**
     * The metadata of {@code actorId} as of the snapshot ({@link ActorKeyspace#metadata()} at that point),
     * or null: what a reader of the snapshot's keys checks them against, in the same view.
     */
    public byte @Nullable [] metadata(String actorId) {
      PhysicalKeys.checkActorId(actorId);
      return read(() -> snapshot.metadata(actorId));
    }

    /**
     * Every actor id that has data or a bookkeeping record as of the snapshot, in order.
     *
     * @throws StoreException naming the problem when the store holds data that belongs to no actor
     */
    public List<String> actorIds() {
      return read(snapshot::actorIds);
    }

    /** Runs a read of the engine's snapshot inside the store's lifecycle, refused once this view is closed. */
    private <T> T read(java.util.function.Supplier<T> read) {
      store.enter();
      try {
        synchronized (this) {
          if (released) {
            throw closedError();
          }
        }
        return read.get();
      } finally {
        store.exit();
      }
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
        snapshot.close();
      }
    }
  }
}
