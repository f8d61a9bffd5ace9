package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import java.util.List;

/**
 * The seam under {@link ActorStore}: what an engine (RocksDB, PostgreSQL, or another ordered store with
 * atomic transactions and snapshot reads, such as FoundationDB) must do. Everything engine-neutral stays
 * above it, in the store: limit checks, exact storage accounting (the batch overlay, remembered lengths),
 * fault injection, the closed/in-flight lifecycle. An engine sees logical keys (never empty, never
 * starting with 0xFF) of one actor at a time and keeps each actor's keys apart from every other's.
 *
 * <p>The store calls an engine only between its own lifecycle checks: never after {@link #close()}
 * began, and it closes every cursor and snapshot it opened before closing the engine. Commits of one
 * actor are serialized by the store; reads may run in parallel with them and with each other.
 */
public interface StorageEngine extends AutoCloseable {
  /** Where the store lives, for messages: a directory, or a database URI without its password. */
  String location();

  /** The engine's name in metrics (the {@code actorkv.engine} attribute): {@code rocksdb}, {@code postgresql}. */
  default String kind() {
    return "other";
  }

  /**
   * How many actors' ownership leases this engine holds now, for metrics; -1 on an engine without leases
   * (one process holds the store and owns every actor).
   */
  default int heldLeases() {
    return -1;
  }

  /** A handle on one actor's keys and record; cheap, and the store keeps one per actor. */
  EngineActor actor(String actorId);

  /**
   * Gives the ownership of {@code actors} (handles of this engine) up, as {@link EngineActor#release()}
   * each does; an engine behind a network does it in one round trip.
   */
  default void releaseAll(List<EngineActor> actors) {
    for (EngineActor a : actors) {
      a.release();
    }
  }

  /**
   * Ids of actors that have a record, in the order of their UTF-8 bytes, starting after
   * {@code afterExclusive} (null for the first page), at most {@code limit}.
   */
  List<String> actorIds(String afterExclusive, int limit);

  /** A consistent point-in-time view of the whole store. */
  EngineSnapshot snapshot();

  /** Makes every acknowledged commit durable against a machine crash (a no-op where commits already are). */
  void sync();

  /**
   * Who owns which actor, in actor order: every actor (or only {@code actorId}, when not null) that was
   * ever owned. An engine used by one process at a time (RocksDB, whose lock file keeps other processes
   * out) has no owners to list: that process owns every actor.
   */
  default java.util.List<ActorOwner> owners(String actorId) {
    return List.of();
  }

  /**
   * Entries of the store-wide alarm due-time index in index order (due time, actor id, alarm name; ids and
   * names by their UTF-8 bytes): those after {@code afterExclusive} (null: from the first) and due at or
   * before {@code upToMillis} (epoch milliseconds; {@link Long#MAX_VALUE}: all), at most {@code limit}.
   * Must cost O(log n + limit) in the number of alarms of the whole store: an index seek, never a scan of
   * actors or alarms.
   */
  List<DueAlarm> alarmsByDue(DueAlarm afterExclusive, long upToMillis, int limit);

  /**
   * Verifies the due-time index against the alarm records (every record has exactly its entry, every
   * entry its record) and that every actor with alarms has a record; returns what is wrong, in a stable
   * order (empty: consistent). An engine whose index is maintained by the database itself (PostgreSQL)
   * checks what can still go wrong there.
   */
  List<AlarmProblem> checkAlarms();

  /**
   * Rebuilds the due-time index from the alarm records, in one atomic write, and returns the number of
   * index entries it now holds; an engine whose index the database maintains returns the number of alarms.
   */
  int rebuildAlarmIndex();

  /**
   * Releases the engine (and, on an engine with ownership, every lease it still holds); the store has
   * closed every cursor and snapshot before.
   */
  @Override
  void close();

  /**
   * What {@link EngineActor#commitCounting} found: the size of the unknown keys that existed before, and
   * whether the commit was written (false: the storage would have exceeded the ceiling).
   */
  record CountedCommit(long storedBytes, boolean written) {}

  /**
   * What the store keeps about an actor beside its keys: its exact storage count and the opaque metadata
   * of the layers above ({@link ActorBatch#setMetadata}), null when it has none. An engine stores both
   * together and returns the metadata bytes exactly as written.
   */
  record ActorRecord(long storageBytes, byte[] metadata) {}

  /**
   * One alarm change of a commit: {@code alarm} replaces {@code previous} (null: there was none; the store
   * read it before, under the actor's commit lock) and is null for a delete. An engine with its own
   * due-time index removes the previous alarm's entry with it.
   */
  record AlarmWrite(String name, Alarm previous, Alarm alarm) {}

  /** One actor's keys and record. */
  interface EngineActor {
    /**
     * Takes ownership of the actor for this engine's node before a writable store uses it: on an engine
     * shared between processes (PostgreSQL), bumps the actor's epoch and takes a lease in one statement,
     * or throws {@link ActorOwnedException} while another node's lease is live; every later write checks
     * the epoch inside its own transaction and throws {@link ActorFencedException} once it is stale. An
     * engine one process holds at a time does nothing here: that process owns every actor.
     */
    default void acquire() {}

    /** Gives ownership up (the handle is closed): another node may take the actor over at once. */
    default void release() {}

    /**
     * Throws {@link ActorFencedException} when the engine already knows the actor was taken over (a lease
     * renewal found a newer epoch); a cheap check the store makes before every call on the actor.
     */
    default void checkFenced() {}

    /** The actor's record, or null when it has none (or, on an engine that can tell, it is unreadable). */
    ActorRecord readRecord();

    /**
     * Like {@link #readRecord()}, and makes what it read the base of the next commit: an engine that can
     * tell (PostgreSQL, by the actor's commit sequence) refuses that commit with
     * {@link ConcurrentCommitException} when the actor was written by anyone else since. The store calls it
     * when it loads the actor and again after such a refusal, never while a commit of the actor runs.
     */
    default ActorRecord loadRecord() {
      return readRecord();
    }

    /**
     * Whether the last {@link #loadRecord()} found no record and also knows the actor holds no key (an
     * engine that could tell in the same round trip), so the store need not count its keys.
     */
    default boolean loadedEmpty() {
      return false;
    }

    /** The value at {@code key}, or null. */
    byte[] get(byte[] key);

    /** Values of {@code keys} (not empty) in the same order, null where absent. */
    List<byte[]> multiGet(List<byte[]> keys);

    /**
     * The value lengths of {@code keys} (-1 where absent) in the same order, in one call: the store asks
     * before every commit for exact accounting, so an engine behind a network answers it in one round trip.
     */
    int[] valueLengths(List<byte[]> keys);

    /**
     * A cursor over {@code range} in key order (descending when {@code reverse}). {@code firstFetch} is how
     * many entries the caller expects to read (1 for a "first" lookup): an engine that fetches in pages
     * sizes its first page by it and bounds the later ones itself.
     */
    Cursor cursor(KeyRange range, boolean reverse, int firstFetch);

    /**
     * Applies {@code ops} in order, together with the alarm changes {@code alarms} (at most one per name;
     * the due-time index updated with them) and the actor's new record (written when {@code recordChanged},
     * or always where the engine keeps a commit sequence in it), as one atomic write. Either all of it is
     * applied and the call returns, or none of it and it throws {@link StoreException}; a fenced writer
     * writes no key and no alarm.
     */
    void commit(List<ActorBatch.Op> ops, List<AlarmWrite> alarms, ActorRecord record, boolean recordChanged);

    /** The actor's alarm {@code name}, or null. */
    Alarm alarm(String name);

    /** The actor's alarms among {@code names} (not empty), by name; absent names are left out. */
    java.util.Map<String, Alarm> alarms(java.util.Collection<String> names);

    /** Every alarm of the actor, ordered by the UTF-8 bytes of their names. */
    List<Alarm> alarms();

    /** How many alarms the actor has. */
    default int alarmCount() {
      return alarms().size();
    }

    /**
     * Whether {@link #commitCounting} reads the old lengths in the commit's own round trip: the store then
     * hands it the keys whose old lengths it does not know instead of asking {@link #valueLengths} first
     * (one round trip per commit instead of two on an engine behind a network).
     */
    default boolean countsInCommit() {
      return false;
    }

    /**
     * A commit whose storage count the store could not finish: {@code ops} (no range delete) and
     * {@code alarms} are applied with the record {@code (storageIfAbsent - stored, metadata)}, where {@code stored} is the size
     * (key + value) of those of {@code unknownKeys} (distinct) that exist before the commit, read in the same
     * atomic write, and only when that storage is at most {@code ceiling}; otherwise nothing is written.
     * The store decides the ceiling (the limit check stays its own); the engine only sums and compares.
     * Fails like {@link #commit}.
     */
    default CountedCommit commitCounting(List<ActorBatch.Op> ops, List<AlarmWrite> alarms, List<byte[]> unknownKeys,
        long storageIfAbsent, long ceiling, byte[] metadata) {
      int[] lengths = valueLengths(unknownKeys);
      long stored = 0;
      for (int i = 0; i < lengths.length; i++) {
        stored += lengths[i] < 0 ? 0 : unknownKeys.get(i).length + lengths[i];
      }
      if (storageIfAbsent - stored > ceiling) {
        return new CountedCommit(stored, false);
      }
      commit(ops, alarms, new ActorRecord(storageIfAbsent - stored, metadata), true);
      return new CountedCommit(stored, true);
    }

    /** Writes the actor's record alone. */
    void writeRecord(ActorRecord record);

    /** Deletes every key of the actor, its record (metadata included) and its alarms (with their index entries), as one atomic write. */
    void deleteAll();
  }

  /** A consistent view of every actor; close it. */
  interface EngineSnapshot extends AutoCloseable {
    Cursor cursor(String actorId, KeyRange range, boolean reverse, int firstFetch);

    /**
     * Every actor id that has data or a record in this view, in order.
     *
     * @throws StoreException when the engine holds data that belongs to no actor
     */
    List<String> actorIds();

    /** The alarms of {@code actorId} in this view, ordered by the UTF-8 bytes of their names. */
    List<Alarm> alarms(String actorId);

    /**
     * The metadata of {@code actorId}'s record in this view (as {@link EngineActor#readRecord()} gives it),
     * or null when it has no record or none; read in the view, so it belongs to the same state as the
     * view's keys.
     */
    byte[] metadata(String actorId);

    @Override
    void close();
  }

  /** A positioned read over a range; not thread-safe. */
  interface Cursor {
    /** A cursor over nothing. */
    Cursor NONE = new Cursor() {
      @Override
      public boolean valid() {
        return false;
      }

      @Override
      public byte[] key() {
        throw new java.util.NoSuchElementException();
      }

      @Override
      public byte[] value() {
        throw new java.util.NoSuchElementException();
      }

      @Override
      public void next() {
        throw new java.util.NoSuchElementException();
      }

      @Override
      public void close() {}
    };

    boolean valid();

    /** The current entry's logical key (a fresh array). */
    byte[] key();

    /** The current entry's value (a fresh array). */
    byte[] value();

    void next();

    /**
     * Visits every remaining entry's key length and value length; the logical key only when
     * {@code withKeys} (null otherwise). An engine may do this without copying values.
     */
    default void forEachSize(boolean withKeys, SizeConsumer consumer) {
      for (; valid(); next()) {
        byte[] key = key();
        consumer.accept(withKeys ? key : null, key.length, value().length);
      }
    }

    void close();
  }

  /** Receives the size of an entry. */
  interface SizeConsumer {
    void accept(byte[] logicalKey, int keyLength, int valueLength);
  }
}
