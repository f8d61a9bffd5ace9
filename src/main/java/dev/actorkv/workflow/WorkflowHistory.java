package dev.actorkv.workflow;

import com.google.common.primitives.UnsignedBytes;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.LimitExceededException;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.WorkflowStateCode;
import dev.actorkv.workflow.proto.WorkflowStateValue;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.time.Instant;

/**
 * The durable history of one actor's workflow: the name registry, the history entries by location,
 * the entries' metadata and the four fields. It is loaded once with paged scans and then kept in
 * memory; changes mark what they touch dirty, and {@link #flush()} writes every new name, dirty entry,
 * dirty metadata, pending subtree delete and changed field as ONE atomic batch. Dirty marks are cleared
 * only after that write succeeded, so a failed flush can simply be retried.
 *
 * <p>Metadata and the state field are bookkeeping: when missing or undecodable they are rebuilt from the
 * entries on load (and written by the next flush); {@link #repairs()} lists what was rebuilt. History
 * entries and names are not derived, so a bad one fails the load with
 * {@link WorkflowHistoryCorruptException}.
 *
 * <p>Thread-safe (parallel branches record concurrently); one instance per actor is the contract, so
 * that {@link #cancel} and {@link #flush} are serialized by the same lock.
 */
public final class WorkflowHistory {
  /** A history entry and where it is. */
  public record Entry(WorkflowLocation location, HistoryEntry value) {}

  private final ActorKeyspace actor;
  private final ReentrantLock lock = new ReentrantLock();

  private final List<String> names = new ArrayList<>();
  private final Map<String, Long> nameIndexes = new HashMap<>();
  private int persistedNames;

  private final TreeMap<byte[], Entry> entries = new TreeMap<>(UnsignedBytes.lexicographicalComparator());
  private final Map<String, EntryMetadata> metadata = new HashMap<>();
  private final EnumMap<WorkflowField, byte[]> fields = new EnumMap<>(WorkflowField.class);

  private final TreeSet<byte[]> dirtyEntries = new TreeSet<>(UnsignedBytes.lexicographicalComparator());
  private final Set<String> dirtyMetadata = new LinkedHashSet<>();
  private final Set<String> deletedMetadata = new LinkedHashSet<>();
  private final List<KeyRange> pendingRangeDeletes = new ArrayList<>();
  private final Set<WorkflowField> dirtyFields = java.util.EnumSet.noneOf(WorkflowField.class);
  private final List<String> repairs = new ArrayList<>();
  private boolean cancelled;
  /** Whether the next flush sets or deletes the wake-up alarm ({@link #setWakeUp}), and to what (null: delete). */
  private boolean wakeUpDirty;
  private Instant wakeUp;
  private long flushes;
  /** Where new entry ids come from (see {@link #newEntryId}); guarded by {@link #lock}. */
  private final SplittableRandom entryIds = new SplittableRandom(ThreadLocalRandom.current().nextLong());

  private WorkflowHistory(ActorKeyspace actor) {
    this.actor = actor;
  }

  /** Loads the actor's workflow (names, history, metadata, fields) with scans of {@code pageSize} keys. */
  public static WorkflowHistory load(ActorKeyspace actor, int pageSize) {
    WorkflowHistory h = new WorkflowHistory(actor);
    h.loadAll(pageSize);
    return h;
  }

  public static WorkflowHistory load(ActorKeyspace actor) {
    return load(actor, WorkflowOptions.DEFAULTS.scanPageSize());
  }

  private void loadAll(int pageSize) {
    Paging.forEach(actor, WorkflowKeys.names(), pageSize, kv -> {
      long index = WorkflowKeys.nameIndex(kv.key());
      if (index != names.size()) {
        throw new WorkflowHistoryCorruptException(
            "workflow name registry has a gap: expected index " + names.size() + ", found " + index);
      }
      String name = decodeName(kv.value(), index);
      if (nameIndexes.putIfAbsent(name, index) != null) {
        throw new WorkflowHistoryCorruptException("workflow name \"" + name + "\" is registered twice");
      }
      names.add(name);
    });
    persistedNames = names.size();

    Paging.forEach(actor, WorkflowKeys.history(), pageSize, kv -> {
      WorkflowLocation loc = WorkflowKeys.historyLocation(kv.key());
      checkNames(loc);
      HistoryEntry e;
      try {
        e = HistoryEntry.parseFrom(kv.value());
      } catch (InvalidProtocolBufferException ex) {
        throw new WorkflowHistoryCorruptException("history entry at " + describe(loc) + " does not decode: " + ex.getMessage(), ex);
      }
      if (e.getId().isEmpty() || e.getKindCase() == HistoryEntry.KindCase.KIND_NOT_SET) {
        throw new WorkflowHistoryCorruptException("history entry at " + describe(loc) + " has no id or no kind");
      }
      entries.put(kv.key(), new Entry(loc, e));
    });

    Map<String, Entry> byId = new HashMap<>();
    Set<String> undecodable = new java.util.HashSet<>();
    for (Entry e : entries.values()) {
      Entry previous = byId.put(e.value().getId(), e);
      if (previous != null) {
        throw new WorkflowHistoryCorruptException("entry id " + e.value().getId() + " is used at "
            + describe(previous.location()) + " and " + describe(e.location()));
      }
    }
    Paging.forEach(actor, WorkflowKeys.entryMetadata(), pageSize, kv -> {
      String id = WorkflowKeys.entryId(kv.key());
      if (!byId.containsKey(id)) {
        repairs.add("deleted metadata of entry " + id + ", which has no history entry");
        deletedMetadata.add(id);
        return;
      }
      try {
        metadata.put(id, EntryMetadata.parseFrom(kv.value()));
      } catch (InvalidProtocolBufferException ex) {
        repairs.add("rebuilt metadata of entry " + id + " (did not decode)");
        undecodable.add(id);
      }
    });
    for (Entry e : entries.values()) {
      String id = e.value().getId();
      if (!metadata.containsKey(id)) {
        if (!undecodable.contains(id)) {
          repairs.add("rebuilt missing metadata of entry " + id + " at " + describe(e.location()));
        }
        metadata.put(id, derivedMetadata(e.value()));
        dirtyMetadata.add(id);
      }
    }

    Paging.forEach(actor, WorkflowKeys.fields(), pageSize, kv -> fields.put(WorkflowKeys.fieldOf(kv.key()), kv.value()));
    byte[] state = fields.get(WorkflowField.STATE);
    if (state != null) {
      try {
        WorkflowStateValue s = WorkflowStateValue.parseFrom(state);
        cancelled = s.getState() == WorkflowStateCode.WORKFLOW_CANCELLED;
      } catch (InvalidProtocolBufferException ex) {
        repairs.add("rebuilt the state field (did not decode)");
        fields.put(WorkflowField.STATE, derivedState().toByteArray());
        dirtyFields.add(WorkflowField.STATE);
      }
    } else if (!entries.isEmpty() || fields.containsKey(WorkflowField.INPUT)) {
      repairs.add("rebuilt the missing state field");
      fields.put(WorkflowField.STATE, derivedState().toByteArray());
      dirtyFields.add(WorkflowField.STATE);
    }
  }

  /** Metadata that can be derived from an entry alone (its attempts and times are lost). */
  static EntryMetadata derivedMetadata(HistoryEntry e) {
    boolean done = switch (e.getKindCase()) {
      case STEP -> e.getStep().getHasOutput();
      case SLEEP -> e.getSleep().getDone();
      case LOOP -> e.getLoop().getDone();
      case MESSAGES -> e.getMessages().getDone();
      case RACE -> !e.getRace().getWinner().isEmpty();
      case JOIN, KIND_NOT_SET -> false;
    };
    boolean failed = e.getKindCase() == HistoryEntry.KindCase.STEP && !e.getStep().getError().isEmpty();
    EntryMetadata.Builder b = EntryMetadata.newBuilder()
        .setStatus(failed ? EntryStatus.ENTRY_FAILED : done ? EntryStatus.ENTRY_COMPLETED : EntryStatus.ENTRY_PENDING);
    if (failed) {
      b.setLastError(e.getStep().getError());
    }
    return b.build();
  }

  /** The state implied by the fields when the state field is lost. */
  private WorkflowStateValue derivedState() {
    WorkflowStateCode code = fields.containsKey(WorkflowField.OUTPUT)
        ? WorkflowStateCode.WORKFLOW_COMPLETED
        : fields.containsKey(WorkflowField.ERROR) ? WorkflowStateCode.WORKFLOW_FAILED : WorkflowStateCode.WORKFLOW_RUNNING;
    return WorkflowStateValue.newBuilder().setState(code).build();
  }

  private static String decodeName(byte[] value, long index) {
    try {
      String s = StrictUtf8.decode(value);
      if (s.isEmpty()) {
        throw new WorkflowHistoryCorruptException("workflow name " + index + " is empty");
      }
      return s;
    } catch (CharacterCodingException e) {
      throw new WorkflowHistoryCorruptException("workflow name " + index + " is not valid UTF-8", e);
    }
  }

  private void checkNames(WorkflowLocation loc) {
    for (WorkflowLocation.Segment s : loc.segments()) {
      long index = nameIndexOf(s);
      if (index >= names.size()) {
        throw new WorkflowHistoryCorruptException("history entry at " + loc + " refers to unregistered name index " + index);
      }
    }
  }

  /**
   * The name index a segment refers to. An instanceof test rather than a pattern switch: this runs for
   * every segment of every recorded entry, and a type switch is an invokedynamic call site that is
   * slow until the JIT has compiled it.
   */
  private static long nameIndexOf(WorkflowLocation.Segment s) {
    return s instanceof WorkflowLocation.Name n ? n.index() : ((WorkflowLocation.Loop) s).loopNameIndex();
  }

  // ------------------------------------------------------------------ names

  /** The index of {@code name}, registering it (dirty until the next flush) when new. */
  public long nameIndex(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("workflow names must be non-empty");
    }
    lock.lock();
    try {
      Long i = nameIndexes.get(name);
      if (i != null) {
        return i;
      }
      long index = names.size();
      names.add(name);
      nameIndexes.put(name, index);
      return index;
    } finally {
      lock.unlock();
    }
  }

  public List<String> names() {
    lock.lock();
    try {
      return List.copyOf(names);
    } finally {
      lock.unlock();
    }
  }

  public String name(long index) {
    lock.lock();
    try {
      return names.get(Math.toIntExact(index));
    } finally {
      lock.unlock();
    }
  }

  /** A location with names instead of indexes, for messages: {@code /order/items~3/charge/}. */
  public String describe(WorkflowLocation loc) {
    StringBuilder sb = new StringBuilder("/");
    for (WorkflowLocation.Segment s : loc.segments()) {
      switch (s) {
        case WorkflowLocation.Name n -> sb.append(nameOr(n.index()));
        case WorkflowLocation.Loop l -> sb.append(nameOr(l.loopNameIndex())).append('~').append(l.iteration());
      }
      sb.append('/');
    }
    return sb.toString();
  }

  private String nameOr(long index) {
    return index < names.size() ? names.get((int) index) : "#" + index;
  }

  // ------------------------------------------------------------------ entries

  public Optional<HistoryEntry> entry(WorkflowLocation loc) {
    return entry(WorkflowKeys.history(loc));
  }

  /** The entry at the history key {@code key} ({@link WorkflowKeys#history(WorkflowLocation)}). */
  Optional<HistoryEntry> entry(byte[] key) {
    lock.lock();
    try {
      Entry e = entries.get(key);
      return e == null ? Optional.empty() : Optional.of(e.value());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Records {@code value} at {@code loc} (new or replacing), dirty until the next flush. Checks the
   * store's value limit now, so an oversized value fails the operation that produced it instead of
   * every later flush.
   */
  public void putEntry(WorkflowLocation loc, HistoryEntry value) {
    putEntry(loc, WorkflowKeys.history(loc), value);
  }

  /**
   * {@link #putEntry(WorkflowLocation, HistoryEntry)} with the location's key already packed by the
   * caller, which must have packed it from {@code loc} ({@link WorkflowKeys#history(WorkflowLocation)}).
   */
  void putEntry(WorkflowLocation loc, byte[] key, HistoryEntry value) {
    if (value.getId().isEmpty() || value.getKindCase() == HistoryEntry.KindCase.KIND_NOT_SET) {
      throw new IllegalArgumentException("a history entry needs an id and a kind");
    }
    int size = value.getSerializedSize();
    if (size > actor.limits().maxValueBytes()) {
      throw new LimitExceededException(LimitExceededException.Limit.VALUE_SIZE, size, actor.limits().maxValueBytes());
    }
    if (key.length > actor.limits().maxKeyBytes()) {
      throw new LimitExceededException(LimitExceededException.Limit.KEY_SIZE, key.length, actor.limits().maxKeyBytes());
    }
    lock.lock();
    try {
      for (WorkflowLocation.Segment seg : loc.segments()) {
        long index = nameIndexOf(seg);
        if (index >= names.size()) {
          throw new IllegalArgumentException("location " + loc + " uses name index " + index + ", which is not registered");
        }
      }
      Entry previous = entries.put(key, new Entry(loc, value));
      if (previous != null && !previous.value().getId().equals(value.getId())) {
        deleteMetadata(previous.value().getId());
      }
      dirtyEntries.add(key);
    } finally {
      lock.unlock();
    }
  }

  /**
   * A new entry id: a random (version 4) UUID string, as the layout documents, used by no entry of
   * this history. Drawn from a pseudo-random sequence of this history rather than
   * {@code UUID.randomUUID()}: what an id needs is to be unique within the actor's history, which is
   * checked here against the ids that have metadata in memory (the history is loaded whole, a loaded
   * entry without metadata gets it rebuilt, and the engine records metadata with every entry it
   * creates), while a {@code SecureRandom} draw per operation costs more than recording it. The
   * sequence is seeded per history, so two histories (or processes) do not draw the same ids.
   */
  String newEntryId() {
    lock.lock();
    try {
      while (true) {
        long msb = (entryIds.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (entryIds.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        String id = uuidString(msb, lsb);
        if (!metadata.containsKey(id) && !deletedMetadata.contains(id)) {
          return id;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private static final byte[] HEX_DIGITS = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};

  /**
   * {@code new UUID(msb, lsb).toString()}, written with plain array stores: the JDK's version goes
   * through var handles, which cost a lot until the JIT has compiled them, and a short-lived process
   * creates most of its entries before that.
   */
  static String uuidString(long msb, long lsb) {
    byte[] out = new byte[36];
    hex(msb >>> 32, out, 0, 8);
    out[8] = '-';
    hex(msb >>> 16, out, 9, 4);
    out[13] = '-';
    hex(msb, out, 14, 4);
    out[18] = '-';
    hex(lsb >>> 48, out, 19, 4);
    out[23] = '-';
    hex(lsb, out, 24, 12);
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** The low {@code digits} hex digits of {@code v} into {@code out} at {@code at}. */
  private static void hex(long v, byte[] out, int at, int digits) {
    for (int i = at + digits - 1; i >= at; i--) {
      out[i] = HEX_DIGITS[(int) v & 0xF];
      v >>>= 4;
    }
  }

  public Optional<EntryMetadata> metadata(String entryId) {
    lock.lock();
    try {
      return Optional.ofNullable(metadata.get(entryId));
    } finally {
      lock.unlock();
    }
  }

  public void putMetadata(String entryId, EntryMetadata value) {
    lock.lock();
    try {
      metadata.put(entryId, value);
      deletedMetadata.remove(entryId);
      dirtyMetadata.add(entryId);
    } finally {
      lock.unlock();
    }
  }

  private void deleteMetadata(String id) {
    metadata.remove(id);
    dirtyMetadata.remove(id);
    deletedMetadata.add(id);
  }

  /**
   * Number of entries directly in the scope {@code parent}, counted over the scope's subtree (a run
   * asks once per scope, when it enters the scope, and tracks what it adds itself; keeping a count
   * per scope up to date would cost every recorded operation a hash of its location instead).
   */
  public int scopeSize(WorkflowLocation parent) {
    int depth = parent.depth() + 1;
    lock.lock();
    try {
      int n = 0;
      for (Entry e : view(WorkflowKeys.historySubtree(parent)).values()) {
        if (e.location().depth() == depth) {
          n++;
        }
      }
      return n;
    } finally {
      lock.unlock();
    }
  }

  public int entryCount() {
    lock.lock();
    try {
      return entries.size();
    } finally {
      lock.unlock();
    }
  }

  /** Entries at or under {@code loc}, in key order. */
  public List<Entry> entriesUnder(WorkflowLocation loc) {
    lock.lock();
    try {
      return List.copyOf(view(WorkflowKeys.historySubtree(loc)).values());
    } finally {
      lock.unlock();
    }
  }

  private NavigableMap<byte[], Entry> view(KeyRange r) {
    return r.unboundedEnd() ? entries.tailMap(r.begin(), true) : entries.subMap(r.begin(), true, r.end(), false);
  }

  /**
   * Deletes the history at or under {@code loc} (a losing race branch): one range delete plus the
   * entries' metadata, written by the next flush together with whatever is recorded meanwhile.
   */
  public void deleteSubtree(WorkflowLocation loc) {
    deleteRange(WorkflowKeys.historySubtree(loc));
  }

  /** Deletes the history of iterations {@code [from, to)} of a loop (trimming), as one range delete. */
  public void deleteLoopIterations(WorkflowLocation parent, long loopNameIndex, long from, long to) {
    if (from < to) {
      deleteRange(WorkflowKeys.loopIterations(parent, loopNameIndex, from, to));
    }
  }

  private void deleteRange(KeyRange range) {
    lock.lock();
    try {
      NavigableMap<byte[], Entry> doomed = view(range);
      for (Entry e : doomed.values()) {
        deleteMetadata(e.value().getId());
      }
      // One by one through the set's comparator: removeAll(List) may compare with List.contains, which
      // is array identity, and the map keeps the first key instance while the set may hold a later one.
      for (byte[] k : doomed.keySet()) {
        dirtyEntries.remove(k);
      }
      doomed.clear();
      pendingRangeDeletes.add(range);
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ fields

  public Optional<byte[]> field(WorkflowField f) {
    lock.lock();
    try {
      byte[] v = fields.get(f);
      return v == null ? Optional.empty() : Optional.of(v.clone());
    } finally {
      lock.unlock();
    }
  }

  /** Sets a field (null deletes it), dirty until the next flush. The state of a cancelled workflow stays. */
  public void setField(WorkflowField f, byte[] value) {
    if (f == WorkflowField.VERSION) {
      throw new IllegalArgumentException("the version field exists only in the legacy layout");
    }
    if (value != null && value.length > actor.limits().maxValueBytes()) {
      throw new LimitExceededException(LimitExceededException.Limit.VALUE_SIZE, value.length, actor.limits().maxValueBytes());
    }
    lock.lock();
    try {
      if (f == WorkflowField.STATE && cancelled) {
        return;
      }
      if (value == null) {
        fields.remove(f);
      } else {
        fields.put(f, value.clone());
      }
      dirtyFields.add(f);
    } finally {
      lock.unlock();
    }
  }

  /** The state field (RUNNING-less default when the workflow never ran). */
  public WorkflowStateValue state() {
    lock.lock();
    try {
      byte[] raw = fields.get(WorkflowField.STATE);
      if (raw == null) {
        return WorkflowStateValue.getDefaultInstance();
      }
      return WorkflowStateValue.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("state field was validated on load", e);
    } finally {
      lock.unlock();
    }
  }

  public void setState(WorkflowStateValue state) {
    setField(WorkflowField.STATE, state.toByteArray());
  }

  /**
   * Makes the next flush set the workflow's wake-up alarm ({@link WorkflowAlarms#WAKE_ALARM}) to
   * {@code at}, or delete it when {@code at} is null, in the same batch as the rest of the flush. A
   * cancelled workflow's flush deletes it whatever was asked: it never wakes again.
   */
  public void setWakeUp(Instant at) {
    lock.lock();
    try {
      wakeUp = at;
      wakeUpDirty = true;
    } finally {
      lock.unlock();
    }
  }

  public boolean isCancelled() {
    lock.lock();
    try {
      return cancelled;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Cancels the workflow unless it already finished: writes the CANCELLED state at once, in its own
   * batch. From then on no flush writes the state field, so a run that is still going cannot overwrite
   * the cancellation. Returns false when the workflow had already completed, failed or been cancelled.
   */
  public boolean cancel(long nowMillis) {
    lock.lock();
    try {
      WorkflowStateCode current = state().getState();
      if (cancelled || current == WorkflowStateCode.WORKFLOW_COMPLETED || current == WorkflowStateCode.WORKFLOW_FAILED) {
        return false;
      }
      byte[] value = WorkflowStateValue.newBuilder()
          .setState(WorkflowStateCode.WORKFLOW_CANCELLED)
          .setUpdatedAtMs(nowMillis)
          .build()
          .toByteArray();
      // A cancelled workflow never wakes again: its wake-up alarm goes in the same write.
      actor.commit(actor.batch().put(WorkflowKeys.field(WorkflowField.STATE), value).deleteAlarm(WorkflowAlarms.WAKE_ALARM));
      fields.put(WorkflowField.STATE, value);
      dirtyFields.remove(WorkflowField.STATE);
      cancelled = true;
      return true;
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ flush

  public boolean isDirty() {
    lock.lock();
    try {
      return persistedNames < names.size() || !dirtyEntries.isEmpty() || !dirtyMetadata.isEmpty()
          || !deletedMetadata.isEmpty() || !pendingRangeDeletes.isEmpty() || !dirtyFields.isEmpty() || wakeUpDirty;
    } finally {
      lock.unlock();
    }
  }

  /** Writes every pending change as one atomic batch; on failure nothing is written and nothing is lost. */
  public void flush() {
    flush(null, null);
  }

  /**
   * Like {@link #flush()}, with {@code extra} changes of another manager (a queue handing over messages)
   * in the same batch; {@code afterCommit} runs only after the batch was written.
   */
  void flush(ActorBatch extra, Runnable afterCommit) {
    lock.lock();
    try {
      if (!isDirty() && (extra == null || extra.isEmpty())) {
        if (afterCommit != null) {
          afterCommit.run();
        }
        return;
      }
      ActorBatch b = actor.batch();
      if (!pendingRangeDeletes.isEmpty() || !deletedMetadata.isEmpty()) {
        addDeletes(b);
      }
      for (int i = persistedNames; i < names.size(); i++) {
        b.put(WorkflowKeys.name(i), names.get(i).getBytes(StandardCharsets.UTF_8));
      }
      for (byte[] key : dirtyEntries) {
        b.put(key, entries.get(key).value().toByteArray());
      }
      for (String id : dirtyMetadata) {
        b.put(WorkflowKeys.entryMetadata(id), metadata.get(id).toByteArray());
      }
      if (!dirtyFields.isEmpty()) {
        addFields(b);
      }
      if (wakeUpDirty) {
        // After addFields, which notices a cancellation made behind this instance's back.
        WorkflowAlarms.write(b, cancelled ? null : wakeUp);
      }
      if (extra != null) {
        b.addAll(extra);
      }
      actor.commit(b);
      // Written: only now are the dirty marks dropped.
      pendingRangeDeletes.clear();
      deletedMetadata.clear();
      persistedNames = names.size();
      dirtyEntries.clear();
      dirtyMetadata.clear();
      dirtyFields.clear();
      wakeUpDirty = false;
      flushes++;
      if (afterCommit != null) {
        afterCommit.run();
      }
    } finally {
      lock.unlock();
    }
  }

  // The parts of a flush most flushes do not need, kept out of the per-step path.

  private void addDeletes(ActorBatch b) {
    for (KeyRange r : pendingRangeDeletes) {
      b.deleteRange(r);
    }
    for (String id : deletedMetadata) {
      b.delete(WorkflowKeys.entryMetadata(id));
    }
  }

  private void addFields(ActorBatch b) {
    boolean writeState = dirtyFields.contains(WorkflowField.STATE) && !cancelled;
    if (writeState && cancelledOnDisk()) {
      // Cancelled behind this instance's back (another process, the tool): never overwrite it.
      cancelled = true;
      writeState = false;
      fields.put(WorkflowField.STATE, actor.get(WorkflowKeys.field(WorkflowField.STATE)));
    }
    for (WorkflowField f : dirtyFields) {
      if (f == WorkflowField.STATE && !writeState) {
        continue;
      }
      byte[] v = fields.get(f);
      if (v == null) {
        b.delete(WorkflowKeys.field(f));
      } else {
        b.put(WorkflowKeys.field(f), v);
      }
    }
  }

  private boolean cancelledOnDisk() {
    byte[] raw = actor.get(WorkflowKeys.field(WorkflowField.STATE));
    if (raw == null) {
      return false;
    }
    try {
      return WorkflowStateValue.parseFrom(raw).getState() == WorkflowStateCode.WORKFLOW_CANCELLED;
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Successful flushes since load. */
  public long flushCount() {
    lock.lock();
    try {
      return flushes;
    } finally {
      lock.unlock();
    }
  }

  /** What the load rebuilt or dropped (metadata, state); empty when the stored history was consistent. */
  public List<String> repairs() {
    lock.lock();
    try {
      return Collections.unmodifiableList(new ArrayList<>(repairs));
    } finally {
      lock.unlock();
    }
  }

  ActorKeyspace actor() {
    return actor;
  }
}
