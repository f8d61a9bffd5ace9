package dev.actorkv.pekko;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal plugin {@code actor-kv.journal}: each persistence id is an actor of the store that
 * {@link ActorKvPersistence} opens, its events in its user_kv namespace ({@link PekkoKeys}). An
 * {@link AtomicWrite} is committed atomically or not at all: one batch, shared with the other writes of the
 * same persistence id that Pekko hands over in the same call.
 *
 * <p>The store's calls block, so they run on virtual threads ({@link ActorKvPersistence#calls}), the calls
 * of different persistence ids in parallel: many actors' commits reach the store at once, and the
 * PostgreSQL engine sends those that meet as one transaction. On the embedded store the event writes run on
 * the journal actor itself ({@link ActorKvPersistence#writes}). The calls of one persistence id run one after
 * another in the order Pekko made them: its writes reach the store in order, and a replay or delete sees
 * every write asked for before it ({@link PerIdOrder}).
 *
 * <p>Two incarnations of one persistent actor on two nodes (a split brain, PostgreSQL): a recovery takes
 * the persistence id over for this node, and the writes go through the handle that recovery got ({@link
 * ActorKvPersistence#recovering}, {@link ActorKvPersistence#writing}). Once the other node has taken the id
 * over, that handle is fenced: the stale incarnation's writes fail with {@code ActorFencedException}, nothing
 * of them lands, and Pekko stops it; a new incarnation on this node fails its recovery with {@code
 * ActorOwnedException} while the other node holds the id.
 */
public final class ActorKvJournal extends AsyncWriteJournal {
  private final ActorKvPersistence persistence = ActorKvPersistence.get(context().system());
  private final PerIdOrder order = new PerIdOrder();

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<AtomicWrite> writes = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    for (AtomicWrite w : messages) {
      writes.add(w);
      ids.add(w.persistenceId());
    }
    return order.after(ids, persistence.writes(), () -> write(writes));
  }

  private Iterable<Optional<Exception>> write(List<AtomicWrite> writes) {
    List<Optional<Exception>> results = new ArrayList<>(writes.size());
    // The writes of one persistence id in this call go into one batch: each AtomicWrite stays atomic (the
    // batch is), and a call of many small writes (persistAsync) costs one commit instead of one each.
    Map<String, ActorBatch> batches = new LinkedHashMap<>();
    // The highest sequence number each batch writes (a rejected write writes nothing, so it does not count).
    Map<String, Long> highest = new HashMap<>();
    for (AtomicWrite write : writes) {
      ActorBatch batch = new ActorBatch();
      Optional<Exception> rejected = Optional.empty();
      for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
        try {
          batch.put(PekkoKeys.event(repr.sequenceNr()), PekkoValues.event(persistence.serialization(), repr));
        } catch (Exception e) {
          // Pekko's contract: a write that cannot be serialized (or is too large for the store) is
          // rejected: the persistent actor is told and goes on, nothing of it is written, and the
          // other writes of the call proceed.
          rejected = Optional.of(e);
          break;
        }
      }
      if (rejected.isEmpty()) {
        batches.computeIfAbsent(write.persistenceId(), id -> new ActorBatch()).addAll(batch);
        highest.merge(write.persistenceId(), write.highestSequenceNr(), Math::max);
      }
      results.add(rejected);
    }
    // A store failure throws out of here: every write of the call then counts as failed (Pekko stops
    // the persistent actors), including those of another persistence id that did commit.
    for (Map.Entry<String, ActorBatch> e : batches.entrySet()) {
      try (ActorKvPersistence.Use use = persistence.writing(e.getKey())) {
        use.actor().commit(e.getValue());
        use.highest(highest.get(e.getKey()));
      }
    }
    return results;
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    return after(Set.of(persistenceId), () -> {
      try (ActorKvPersistence.Use use = persistence.writing(persistenceId)) {
        ActorKeyspace actor = use.actor();
        long highest = highest(actor);
        ActorBatch batch = new ActorBatch().deleteRange(PekkoKeys.events(1, toSequenceNr));
        if (highest > 0) {
          // Kept so that the highest sequence number survives deleting the events that carried it.
          batch.put(PekkoKeys.highest(), PekkoValues.highest(highest));
        }
        actor.commit(batch);
      }
      return null;
    });
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<PersistentRepr> replayCallback) {
    return after(Set.of(persistenceId), () -> {
      if (max <= 0) {
        return null;
      }
      try (ActorKvPersistence.Use use = persistence.recovering(persistenceId);
          KeyValueIterator it = use.actor().iterator(PekkoKeys.events(fromSequenceNr, toSequenceNr), false)) {
        long replayed = 0;
        long expected = Math.max(fromSequenceNr, 1);
        while (replayed < max && it.hasNext()) {
          KeyValue kv = it.next();
          // Events are contiguous unless some were deleted: the key is checked against the expected sequence
          // number by comparing bytes, and unpacked only when it is not that one.
          long seq = PekkoKeys.isEvent(kv.key(), expected) ? expected : PekkoKeys.sequenceNr(kv.key());
          replayCallback.accept(PekkoValues.readEvent(kv.value(), persistenceId, seq, persistence.serialization()));
          expected = seq + 1;
          replayed++;
        }
      }
      return null;
    });
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return after(Set.of(persistenceId), () -> {
      try (ActorKvPersistence.Use use = persistence.recovering(persistenceId)) {
        long highest = highest(use.actor());
        use.highest(highest);
        return highest;
      }
    });
  }

  private <T> Future<T> after(Set<String> ids, Callable<T> work) {
    return order.after(ids, persistence.calls(), work);
  }

  /**
   * The highest sequence number ever written: the last event's, or the one a delete kept, whichever is
   * larger. One backward read of at most two entries (one query on PostgreSQL) finds both.
   */
  static long highest(ActorKeyspace actor) {
    long highest = 0;
    for (KeyValue kv : actor.scan(PekkoKeys.eventsAndHighest(), 2, true)) {
      highest = Math.max(highest, PekkoKeys.isHighest(kv.key()) ? PekkoValues.readHighest(kv.value()) : PekkoKeys.sequenceNr(kv.key()));
    }
    return highest;
  }
}
