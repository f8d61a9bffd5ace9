package dev.actorkv.queue;

import com.google.common.annotations.VisibleForTesting;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * A durable FIFO message queue in one actor's keyspace (namespace {@code [05][01]}).
 *
 * <p>Every operation is one atomic {@link ActorBatch} commit that includes the metadata whenever it
 * changes; the in-memory index changes only after the commit succeeded, so a failed write leaves memory
 * and disk as they were. The index (id to name and lease state, plus per-name sets of deliverable ids) is
 * loaded by one prefix scan at {@link #open}; after that no operation scans or decodes more than the
 * messages it returns, so cost per operation is O(log n) in the queue depth. The bodies of messages this
 * instance wrote or read are kept in memory (up to {@link #BODY_CACHE_BYTES} in all), so receiving them
 * costs no point read and no decode: the queue trusts what it committed itself. Messages found at open,
 * and those beyond the cache budget, are read and strictly decoded when received.
 *
 * <p>Two receive modes: {@link #receive} removes the messages it returns (at most once);
 * {@link #receiveCompletable} leases them: they stay in the queue, invisible to other receivers, until
 * {@link #complete} removes them, {@link #release} hands them back, or the lease expires; then they are
 * delivered again with their attempt number raised (at least once). Lease times come from the
 * {@link QueueOptions#clock() clock}; receive timeouts are real elapsed time.
 *
 * <p>Thread-safe. Open one {@code ActorQueue} per actor keyspace: two instances on the same actor would
 * each believe they own the queue.
 */
public final class ActorQueue implements AutoCloseable {
  /**
   * In-memory state of one decodable message: exactly what its stored value holds. {@code body} is the
   * body when cached (so receive needs neither a point read nor a decode), null when it did not fit the
   * cache budget and must be read from the store. Never handed out: {@link Message} copies it.
   */
  private record Slot(
      String name, long createdAtMillis, int attempts, long leaseExpiresAtMillis, boolean expectsResponse, byte[] body) {
    Slot withLease(int attempts, long leaseExpiresAtMillis, byte[] body) {
      return new Slot(name, createdAtMillis, attempts, leaseExpiresAtMillis, expectsResponse, body);
    }

    QueueCodec.StoredMessage stored() {
      return new QueueCodec.StoredMessage(name, body, createdAtMillis, attempts, leaseExpiresAtMillis, expectsResponse);
    }
  }

  /**
   * Most body bytes kept in memory across all slots. The queue holds at most max size × max message
   * bytes (64 MiB with the defaults); bodies beyond this budget are read from the store on receive.
   */
  static final long BODY_CACHE_BYTES = 16L << 20;

  private record Lease(long expiresAtMillis, long id) {}

  private static final Comparator<Long> ID_ORDER = Long::compareUnsigned;
  private static final Comparator<Lease> LEASE_ORDER =
      Comparator.comparingLong(Lease::expiresAtMillis).thenComparing(Lease::id, ID_ORDER);

  private final ActorKeyspace keyspace;
  private final QueueOptions options;
  private final InstantSource clock;
  private final List<String> recoveredProblems;
  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when messages become deliverable (enqueue) or the queue closes. */
  private final Condition changed = lock.newCondition();

  // Everything below is guarded by lock.
  private final TreeMap<Long, Slot> slots = new TreeMap<>(ID_ORDER);
  /** Ids deliverable now or once their (expired) lease is noticed: not leased into the future. */
  private final TreeSet<Long> ready = new TreeSet<>(ID_ORDER);
  private final Map<String, TreeSet<Long>> readyByName = new HashMap<>();
  /** Leases that had not expired when last looked at, by expiry. */
  private final TreeSet<Lease> leases = new TreeSet<>(LEASE_ORDER);
  private final TreeMap<Long, String> corrupt = new TreeMap<>(ID_ORDER);
  private final Map<Long, CompletableFuture<byte[]>> responseWaiters = new HashMap<>();
  private long nextId;
  private long size;
  /** Sum of the cached {@link Slot#body} lengths; at most {@link #BODY_CACHE_BYTES}. */
  private long cachedBodyBytes;
  private boolean closed;
  private final QueueMetrics metrics;

  private ActorQueue(ActorKeyspace keyspace, QueueOptions options, QueueAudit audit) {
    this.keyspace = keyspace;
    this.metrics = QueueMetrics.of(keyspace.metrics());
    this.options = options;
    this.clock = options.clock();
    this.recoveredProblems = List.copyOf(audit.problems());
    long now = clock.millis();
    audit.messages().forEach((id, m) -> {
      // Bodies found at open are not cached: their first receive reads and strictly decodes them.
      Slot s = new Slot(m.name(), m.createdAtMillis(), m.attempts(), m.leaseExpiresAtMillis(), m.expectsResponse(), null);
      slots.put(id, s);
      if (s.leaseExpiresAtMillis() > now) {
        leases.add(new Lease(s.leaseExpiresAtMillis(), id));
      } else {
        makeReady(id, s.name());
      }
    });
    for (CorruptMessage c : audit.corruptMessages()) {
      corrupt.put(c.id(), c.problem());
    }
    QueueCodec.Metadata md = audit.metadataDisagreement() == null && audit.storedMetadata() != null
        ? audit.storedMetadata()
        : audit.rebuiltMetadata();
    this.nextId = md.nextId();
    this.size = md.size();
  }

  /** Opens the queue of {@code keyspace} with default options. */
  public static ActorQueue open(ActorKeyspace keyspace) {
    return open(keyspace, QueueOptions.DEFAULTS);
  }

  /**
   * Opens the queue of {@code keyspace}: one prefix scan loads the index. When the metadata is missing
   * while messages exist, does not decode, or disagrees with the messages, it is rebuilt from them and
   * written (one batch) before this returns; see {@link #recoveredProblems()}. Undecodable messages are
   * kept out of delivery and listed by {@link #corruptMessages()}.
   *
   * @throws QueueConfigurationException when the max message size does not fit the store's value limit
   */
  public static ActorQueue open(ActorKeyspace keyspace, QueueOptions options) {
    int storeMax = keyspace.limits().maxValueBytes();
    if ((long) options.maxMessageBytes() + QueueCodec.LEASE_OVERHEAD > storeMax) {
      throw new QueueConfigurationException(options.maxMessageBytes(), storeMax);
    }
    QueueAudit audit = QueueAudit.scan(keyspace);
    if (audit.metadataDisagreement() != null) {
      keyspace.commit(keyspace.batch().put(QueueKeys.metadata(), QueueCodec.encode(audit.rebuiltMetadata())));
    }
    ActorQueue queue = new ActorQueue(keyspace, options, audit);
    queue.metrics.opened(queue);
    return queue;
  }

  public QueueOptions options() {
    return options;
  }

  /** What was wrong when the queue was opened (and repaired where it could be); empty when all was well. */
  public List<String> recoveredProblems() {
    return recoveredProblems;
  }

  // ------------------------------------------------------------------ enqueue

  /** Appends one message and returns it with its id. */
  public Message enqueue(String name, byte[] body) {
    return enqueueAll(List.of(new NewMessage(name, body))).getFirst();
  }

  /** Appends all {@code messages} atomically (all or none), with consecutive ids in list order. */
  public List<Message> enqueueAll(List<NewMessage> messages) {
    lock.lock();
    try {
      return enqueueLocked(messages, false);
    } finally {
      lock.unlock();
    }
  }

  private List<Message> enqueueLocked(List<NewMessage> messages, boolean expectsResponse) {
    checkOpen();
    if (messages.isEmpty()) {
      return List.of();
    }
    if (size + messages.size() > options.maxSize()) {
      throw new QueueFullException(size, messages.size(), options.maxSize());
    }
    long first = nextId;
    long last = first + messages.size() - 1;
    if (Long.compareUnsigned(last, first) < 0 || last == -1L) {
      throw new QueueException("queue id space exhausted: next id " + Long.toUnsignedString(first));
    }
    long now = clock.millis();
    ActorBatch batch = keyspace.batch();
    List<Message> out = new ArrayList<>(messages.size());
    long id = first;
    byte[][] bodies = new byte[messages.size()][];
    for (NewMessage m : messages) {
      // The body's one copy was made by NewMessage; encoding writes it into the value, which the batch
      // takes over (see "Byte arrays" in the README).
      QueueCodec.StoredMessage stored = new QueueCodec.StoredMessage(m.name(), m.sharedBody(), now, 0, 0, expectsResponse);
      byte[] value = QueueCodec.encode(stored);
      if (value.length > options.maxMessageBytes()) {
        throw new MessageTooLargeException(value.length, options.maxMessageBytes());
      }
      batch.putOwned(QueueKeys.message(id), value);
      bodies[(int) (id - first)] = stored.body();
      out.add(toMessage(id, stored));
      id++;
    }
    batch.put(QueueKeys.metadata(), QueueCodec.encode(new QueueCodec.Metadata(last + 1, size + messages.size())));
    keyspace.commit(batch);
    id = first;
    for (NewMessage m : messages) {
      slots.put(id, new Slot(m.name(), now, 0, 0, expectsResponse, cacheable(bodies[(int) (id - first)])));
      makeReady(id, m.name());
      id++;
    }
    nextId = last + 1;
    size += messages.size();
    changed.signalAll();
    return out;
  }

  /**
   * Enqueues a message and waits until a receiver {@link #complete completes} it, returning the response
   * given there.
   *
   * <p>The waiter lives in this process only. On timeout or interrupt the message stays queued and a
   * later completion's response is dropped. After a restart the message is still in the queue and is
   * delivered as usual, but nobody receives its response. When the message leaves the queue without a
   * completion (deleted, consumed by {@link #receive}, queue closed) this throws
   * {@link MessageRemovedException}.
   */
  public byte[] enqueueAndWait(String name, byte[] body, Duration timeout) throws InterruptedException, TimeoutException {
    CompletableFuture<byte[]> response = new CompletableFuture<>();
    long id;
    lock.lock();
    try {
      id = enqueueLocked(List.of(new NewMessage(name, body)), true).getFirst().id();
      responseWaiters.put(id, response);
    } finally {
      lock.unlock();
    }
    try {
      return response.get(nanos(timeout), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof QueueException q) {
        throw q;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      forgetWaiter(id, response);
      TimeoutException t = new TimeoutException("no response to message " + Long.toUnsignedString(id) + " within " + timeout
          + " (the message stays queued)");
      t.initCause(e);
      throw t;
    } catch (InterruptedException | CancellationException e) {
      forgetWaiter(id, response);
      throw e;
    }
  }

  private void forgetWaiter(long id, CompletableFuture<byte[]> response) {
    lock.lock();
    try {
      responseWaiters.remove(id, response);
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ receive

  /**
   * Removes and returns up to {@code count} messages in id order whose name is in {@code names} (any
   * name when empty), waiting up to {@code timeout} for the first one. Delivery is at most once: the
   * messages are gone once this returns. Returns an empty list on timeout.
   *
   * @throws InterruptedException when the waiting thread is interrupted (the cancellation signal);
   *     nothing was removed then
   */
  public List<Message> receive(Collection<String> names, int count, Duration timeout) throws InterruptedException {
    return receive(names, count, timeout, false);
  }

  /**
   * Like {@link #receive}, but the messages stay in the queue leased to the caller for the lease
   * duration: no other receive gets them until the lease expires, when they are delivered again with
   * their attempt number raised. {@link #complete} removes a message.
   */
  public List<Message> receiveCompletable(Collection<String> names, int count, Duration timeout) throws InterruptedException {
    return receive(names, count, timeout, true);
  }

  private List<Message> receive(Collection<String> names, int count, Duration timeout, boolean lease)
      throws InterruptedException {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    Set<String> nameSet = Set.copyOf(names);
    long waitNanos = nanos(timeout);
    long start = System.nanoTime();
    lock.lockInterruptibly();
    try {
      while (true) {
        checkOpen();
        if (Thread.interrupted()) {
          throw new InterruptedException("receive cancelled");
        }
        long now = clock.millis();
        reclaimExpiredLeases(now);
        List<Message> got = take(nameSet, count, lease, now);
        if (!got.isEmpty()) {
          return got;
        }
        long remaining = waitNanos - (System.nanoTime() - start);
        if (remaining <= 0) {
          return List.of();
        }
        if (!leases.isEmpty()) {
          // Wake when the next lease expires: its message becomes deliverable without an enqueue.
          long untilExpiry = TimeUnit.MILLISECONDS.toNanos(Math.max(1, leases.first().expiresAtMillis() - now));
          remaining = Math.min(remaining, untilExpiry);
        }
        changed.awaitNanos(remaining);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Leases that expired make their messages deliverable again. Memory only: expiry is a function of time. */
  private void reclaimExpiredLeases(long now) {
    while (!leases.isEmpty() && leases.first().expiresAtMillis() <= now) {
      Lease l = leases.pollFirst();
      Slot s = slots.get(l.id());
      if (s != null && s.leaseExpiresAtMillis() == l.expiresAtMillis()) {
        makeReady(l.id(), s.name());
      }
    }
  }

  private List<Message> take(Set<String> names, int count, boolean lease, long now) {
    return take(names, count, lease, now, (messages, batch) -> keyspace.commit(batch));
  }

  /**
   * Removes up to {@code count} ready messages in id order whose name is in {@code names} (any name when
   * empty), without waiting, and lets the caller write the removal: {@code commit} is called (under the
   * queue's lock) with the messages and a batch holding the queue's changes, and must write that batch
   * atomically, alone or added to its own batch ({@link ActorBatch#addAll}), or throw. The queue's memory
   * changes only after {@code commit} returned; when it throws nothing changed and the messages stay
   * queued. Not called when no message is ready (the result is then empty). This is how another manager
   * records received messages in the same atomic write that removes them (the workflow's receive).
   */
  public List<Message> receiveInto(Collection<String> names, int count, BiConsumer<List<Message>, ActorBatch> commit) {
    if (count < 1) {
      throw new IllegalArgumentException("count must be >= 1, got " + count);
    }
    Set<String> nameSet = Set.copyOf(names);
    lock.lock();
    try {
      checkOpen();
      long now = clock.millis();
      reclaimExpiredLeases(now);
      return take(nameSet, count, false, now, commit);
    } finally {
      lock.unlock();
    }
  }

  private List<Message> take(Set<String> names, int count, boolean lease, long now, BiConsumer<List<Message>, ActorBatch> commit) {
    List<Long> ids = pick(names, count);
    if (ids.isEmpty()) {
      return List.of();
    }
    List<byte[]> keys = new ArrayList<>(ids.size());
    for (long id : ids) {
      keys.add(QueueKeys.message(id));
    }
    ActorBatch batch = keyspace.batch();
    Map<Long, String> newlyCorrupt = new TreeMap<>(ID_ORDER);
    List<Message> out = new ArrayList<>(ids.size());
    List<QueueCodec.StoredMessage> taken = new ArrayList<>(ids.size());
    long leaseEnd = now + options.leaseDuration().toMillis();
    for (int i = 0; i < ids.size(); i++) {
      long id = ids.get(i);
      QueueCodec.StoredMessage m;
      try {
        m = storedMessage(id, keys.get(i));
        if (m == null) {
          throw new QueueValueException("queue message value vanished from the store");
        }
      } catch (QueueValueException e) {
        newlyCorrupt.put(id, e.getMessage());
        continue;
      }
      QueueCodec.StoredMessage delivered = m.leased(leaseEnd);
      if (lease) {
        batch.put(keys.get(i), QueueCodec.encode(delivered));
        out.add(toMessage(id, delivered));
      } else {
        batch.delete(keys.get(i));
        out.add(new Message(id, m.name(), m.body(), Instant.ofEpochMilli(m.createdAtMillis()), delivered.attempts(), null));
      }
      taken.add(delivered);
    }
    if (!lease && !out.isEmpty()) {
      batch.put(QueueKeys.metadata(), QueueCodec.encode(new QueueCodec.Metadata(nextId, size - out.size())));
    }
    if (!out.isEmpty()) {
      commit.accept(List.copyOf(out), batch);
    } else {
      keyspace.commit(batch);
    }
    // Committed: apply to memory.
    newlyCorrupt.forEach((id, problem) -> {
      Slot s = slots.remove(id);
      uncache(s);
      unready(id, s.name());
      corrupt.put(id, problem);
    });
    for (int i = 0; i < out.size(); i++) {
      long id = out.get(i).id();
      Slot s = slots.get(id);
      unready(id, s.name());
      if (lease) {
        QueueCodec.StoredMessage d = taken.get(i);
        // A body read from the store (not cached before) is cached now if it fits.
        byte[] body = s.body() != null ? s.body() : cacheable(d.body());
        slots.put(id, s.withLease(d.attempts(), d.leaseExpiresAtMillis(), body));
        leases.add(new Lease(d.leaseExpiresAtMillis(), id));
      } else {
        slots.remove(id);
        uncache(s);
        failWaiter(id, "consumed by a non-completable receive");
      }
    }
    if (!lease) {
      size -= out.size();
    }
    if (out.isEmpty() && !newlyCorrupt.isEmpty()) {
      return take(names, count, lease, now, commit); // the corrupt ones are out of the ready sets now
    }
    return out;
  }

  /** The first {@code count} ready ids in id order among messages named in {@code names} (all when empty). */
  private List<Long> pick(Set<String> names, int count) {
    List<Long> out = new ArrayList<>(Math.min(count, 64));
    if (names.isEmpty()) {
      Iterator<Long> it = ready.iterator();
      while (out.size() < count && it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }
    // k-way merge of the per-name sets: O(count * log k) after O(k) set-up.
    record Head(long id, Iterator<Long> rest) {}
    PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing(Head::id, ID_ORDER));
    for (String n : names) {
      NavigableSet<Long> set = readyByName.get(n);
      if (set != null && !set.isEmpty()) {
        Iterator<Long> it = set.iterator();
        heads.add(new Head(it.next(), it));
      }
    }
    while (out.size() < count && !heads.isEmpty()) {
      Head h = heads.poll();
      out.add(h.id());
      if (h.rest().hasNext()) {
        heads.add(new Head(h.rest().next(), h.rest()));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ complete / delete

  /**
   * Removes a message delivered by {@link #receiveCompletable}, whoever holds its lease now, and hands
   * {@code response} to its {@link #enqueueAndWait} waiter if there is one in this process.
   *
   * @throws NoSuchMessageException when the message is not in the queue
   * @throws LeaseLostException when it was never delivered by a completable receive
   */
  public void complete(long id, byte[] response) {
    lock.lock();
    try {
      checkOpen();
      Slot s = requireSlot(id);
      if (s.attempts() == 0) {
        throw new LeaseLostException(id, 0, 0);
      }
      completeLocked(id, s, response);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Completes {@code delivered} only if its delivery still holds the lease: when the lease expired and the
   * message was delivered again, throws {@link LeaseLostException} and leaves it for the new holder.
   */
  public void complete(Message delivered, byte[] response) {
    lock.lock();
    try {
      checkOpen();
      Slot s = requireSlot(delivered.id());
      if (delivered.attempt() == 0 || s.attempts() != delivered.attempt()) {
        throw new LeaseLostException(delivered.id(), delivered.attempt(), s.attempts());
      }
      completeLocked(delivered.id(), s, response);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Gives up the lease of {@code delivered} without completing it: the message is deliverable again at
   * once (its next delivery raises the attempt number), instead of after the lease duration.
   *
   * @throws NoSuchMessageException when the message is not in the queue
   * @throws LeaseLostException when this delivery no longer holds the lease
   */
  public void release(Message delivered) {
    lock.lock();
    try {
      checkOpen();
      long id = delivered.id();
      Slot s = requireSlot(id);
      long now = clock.millis();
      if (delivered.attempt() == 0 || s.attempts() != delivered.attempt() || s.leaseExpiresAtMillis() <= now) {
        throw new LeaseLostException(id, delivered.attempt(), s.attempts());
      }
      byte[] key = QueueKeys.message(id);
      QueueCodec.StoredMessage m = storedMessage(id, key);
      if (m == null) {
        throw new NoSuchMessageException(id);
      }
      // A lease that ends now is an expired lease: the stored form of "deliverable, attempts kept".
      QueueCodec.StoredMessage released =
          new QueueCodec.StoredMessage(m.name(), m.body(), m.createdAtMillis(), m.attempts(), now, m.expectsResponse());
      keyspace.commit(keyspace.batch().put(key, QueueCodec.encode(released)));
      leases.remove(new Lease(s.leaseExpiresAtMillis(), id));
      slots.put(id, s.withLease(s.attempts(), now, s.body()));
      makeReady(id, s.name());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private Slot requireSlot(long id) {
    Slot s = slots.get(id);
    if (s == null) {
      if (corrupt.containsKey(id)) {
        throw new LeaseLostException(id, 0, 0);
      }
      throw new NoSuchMessageException(id);
    }
    return s;
  }

  private void completeLocked(long id, Slot s, byte[] response) {
    byte[] copy = response == null ? new byte[0] : response.clone();
    keyspace.commit(keyspace.batch()
        .delete(QueueKeys.message(id))
        .put(QueueKeys.metadata(), QueueCodec.encode(new QueueCodec.Metadata(nextId, size - 1))));
    slots.remove(id);
    uncache(s);
    unready(id, s.name());
    leases.remove(new Lease(s.leaseExpiresAtMillis(), id));
    size--;
    CompletableFuture<byte[]> waiter = responseWaiters.remove(id);
    if (waiter != null) {
      waiter.complete(copy);
    }
  }

  /**
   * Deletes the messages with these ids (leased and undecodable ones too) in one batch; ids not in the
   * queue are ignored. Returns how many were deleted.
   */
  public int delete(Collection<Long> ids) {
    lock.lock();
    try {
      checkOpen();
      Set<Long> present = new LinkedHashSet<>();
      for (Long id : ids) {
        if (slots.containsKey(id) || corrupt.containsKey(id)) {
          present.add(id);
        }
      }
      if (present.isEmpty()) {
        return 0;
      }
      ActorBatch batch = keyspace.batch();
      for (long id : present) {
        batch.delete(QueueKeys.message(id));
      }
      batch.put(QueueKeys.metadata(), QueueCodec.encode(new QueueCodec.Metadata(nextId, size - present.size())));
      keyspace.commit(batch);
      for (long id : present) {
        Slot s = slots.remove(id);
        if (s != null) {
          uncache(s);
          unready(id, s.name());
          leases.remove(new Lease(s.leaseExpiresAtMillis(), id));
          failWaiter(id, "deleted");
        } else {
          corrupt.remove(id);
        }
      }
      size -= present.size();
      return present.size();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ inspection

  /** Messages in the queue, leased and undecodable ones included. */
  public long size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Up to {@code limit} messages with id above {@code afterId} (0 for the first page), in id order, as
   * stored (leased ones included, with their current attempt and lease). Reads one bounded range;
   * undecodable messages are left out (see {@link #corruptMessages()}).
   */
  public Page list(long afterId, int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, got " + limit);
    }
    if (afterId == -1L) {
      return new Page(List.of(), OptionalLong.empty());
    }
    KeyRange range = QueueKeys.messagesFrom(afterId + 1);
    List<Message> out = new ArrayList<>(Math.min(limit, 256));
    lock.lock();
    try {
      checkOpen();
      try (KeyValueIterator it = keyspace.iterator(range, false)) {
        long lastId = afterId;
        while (out.size() < limit && it.hasNext()) {
          KeyValue kv = it.next();
          try {
            lastId = QueueKeys.messageId(kv.key());
          } catch (KeyFormatException e) {
            continue; // a malformed key under the message prefix: reported by QueueAudit, never a message
          }
          if (!corrupt.containsKey(lastId)) {
            try {
              out.add(toMessage(lastId, QueueCodec.decodeMessage(kv.value())));
            } catch (QueueValueException e) {
              // Found corrupt after open (changed underneath): skipped here, reported on next open.
            }
          }
        }
        return new Page(out, it.hasNext() ? OptionalLong.of(lastId) : OptionalLong.empty());
      }
    } finally {
      lock.unlock();
    }
  }

  /** Messages whose stored value does not decode; they are never delivered. Delete them by id. */
  public List<CorruptMessage> corruptMessages() {
    lock.lock();
    try {
      List<CorruptMessage> out = new ArrayList<>(corrupt.size());
      corrupt.forEach((id, p) -> out.add(new CorruptMessage(id, p)));
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** {@link #size()} for the metrics: 0 once closed. */
  long depthForMetrics() {
    lock.lock();
    try {
      return closed ? 0 : size;
    } finally {
      lock.unlock();
    }
  }

  /** Messages under a lease that has not run out (by the queue's clock), for the metrics. */
  long leasedForMetrics() {
    lock.lock();
    try {
      // Leases are ordered by expiry; -1L is the greatest id in unsigned order.
      return closed ? 0 : leases.tailSet(new Lease(clock.millis(), -1L), false).size();
    } finally {
      lock.unlock();
    }
  }

  /** The id the next enqueue gets. */
  public long nextId() {
    lock.lock();
    try {
      return nextId;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the queue: waiting receives throw {@link IllegalStateException}, {@link #enqueueAndWait}
   * waiters get {@link MessageRemovedException}. Stored messages are untouched.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      metrics.closed(this);
      for (long id : List.copyOf(responseWaiters.keySet())) {
        failWaiter(id, "the queue was closed");
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ------------------------------------------------------------------ internals

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("queue of actor " + keyspace.actorId() + " is closed");
    }
    // Calls answered from memory (an empty receive, a list) must not succeed on a closed store, nor once
    // another node took the actor over (the handle is then dead and this queue's index stale).
    keyspace.checkUsable();
  }

  /**
   * The stored value of message {@code id}: from its slot when the body is cached (the slot mirrors
   * what this queue last committed for it), else one point read and a strict decode.
   *
   * @return null when the value is missing from the store
   * @throws QueueValueException when the stored value does not decode
   */
  private QueueCodec.StoredMessage storedMessage(long id, byte[] key) {
    Slot s = slots.get(id);
    if (s.body() != null) {
      return s.stored();
    }
    byte[] raw = keyspace.get(key);
    return raw == null ? null : QueueCodec.decodeMessage(raw);
  }

  /** {@code body} when it fits the cache budget (and counts it), else null. Call only for a new slot. */
  private byte[] cacheable(byte[] body) {
    if (cachedBodyBytes + body.length > BODY_CACHE_BYTES) {
      return null;
    }
    cachedBodyBytes += body.length;
    return body;
  }

  private void uncache(Slot s) {
    if (s.body() != null) {
      cachedBodyBytes -= s.body().length;
    }
  }

  private void makeReady(long id, String name) {
    ready.add(id);
    readyByName.computeIfAbsent(name, n -> new TreeSet<>(ID_ORDER)).add(id);
  }

  private void unready(long id, String name) {
    ready.remove(id);
    TreeSet<Long> set = readyByName.get(name);
    if (set != null && set.remove(id) && set.isEmpty()) {
      readyByName.remove(name);
    }
  }

  private void failWaiter(long id, String how) {
    CompletableFuture<byte[]> waiter = responseWaiters.remove(id);
    if (waiter != null) {
      waiter.completeExceptionally(new MessageRemovedException(id, how));
    }
  }

  private static Message toMessage(long id, QueueCodec.StoredMessage m) {
    return new Message(id, m.name(), m.body(), Instant.ofEpochMilli(m.createdAtMillis()), m.attempts(),
        m.leaseExpiresAtMillis() == 0 ? null : Instant.ofEpochMilli(m.leaseExpiresAtMillis()));
  }

  private static long nanos(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeout);
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Body bytes cached in memory now (for tests of the cache budget). */
  @VisibleForTesting
  long cachedBodyBytes() {
    lock.lock();
    try {
      return cachedBodyBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Canonical view of the in-memory state, for tests comparing it with the disk and with a model. */
  @VisibleForTesting
  QueueState state() {
    lock.lock();
    try {
      TreeMap<Long, QueueState.Entry> entries = new TreeMap<>(ID_ORDER);
      slots.forEach((id, s) -> entries.put(id, new QueueState.Entry(s.name(), s.createdAtMillis(), s.attempts(), s.leaseExpiresAtMillis())));
      return new QueueState(nextId, size, entries, new TreeMap<>(corrupt));
    } finally {
      lock.unlock();
    }
  }
}
