package dev.actorkv.pekko;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.pekko.dispatch.Futures;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.journal.japi.AsyncWriteJournal;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The journal plugin {@code actor-kv.journal}: each persistence id is an actor of the store that
 * {@link ActorKvPersistence} opens, its events in its user_kv namespace ({@link PekkoKeys}). An
 * {@link AtomicWrite} is one batch, committed atomically or not at all.
 *
 * <p>Writes and deletes run on the plugin actor's own thread, one after another, so that the writes of one
 * persistence id reach the store in the order Pekko sent them; the plugin dispatcher is a thread pool for
 * blocking work. Replays and highest-sequence-number reads run beside them on that dispatcher.
 */
public final class ActorKvJournal extends AsyncWriteJournal {
  private final ActorKvPersistence persistence = ActorKvPersistence.get(context().system());

  @Override
  public Future<Iterable<Optional<Exception>>> doAsyncWriteMessages(Iterable<AtomicWrite> messages) {
    List<Optional<Exception>> results = new ArrayList<>();
    try {
      for (AtomicWrite write : messages) {
        ActorBatch batch = new ActorBatch();
        Optional<Exception> rejected = Optional.empty();
        for (PersistentRepr repr : CollectionConverters.asJava(write.payload())) {
          try {
            batch.put(PekkoKeys.event(repr.sequenceNr()), PekkoValues.event(PekkoValues.Serialized.of(persistence.serialization(), repr)));
          } catch (Exception e) {
            // Pekko's contract: a write that cannot be serialized is rejected (the persistent actor gets
            // a rejection and goes on), written not in part, and the other writes of the call proceed.
            rejected = Optional.of(e);
            break;
          }
        }
        if (rejected.isEmpty()) {
          persistence.actor(write.persistenceId()).commit(batch);
        }
        results.add(rejected);
      }
    } catch (RuntimeException e) {
      // The store failed: every write of the call counts as failed (Pekko stops the persistent actors).
      return Futures.failed(e);
    }
    return Futures.successful(results);
  }

  @Override
  public Future<Void> doAsyncDeleteMessagesTo(String persistenceId, long toSequenceNr) {
    try {
      ActorKeyspace actor = persistence.actor(persistenceId);
      long highest = highest(actor);
      ActorBatch batch = new ActorBatch().deleteRange(PekkoKeys.events(1, toSequenceNr));
      if (highest > 0) {
        // Kept so that the highest sequence number survives deleting the events that carried it.
        batch.put(PekkoKeys.highest(), PekkoValues.highest(highest));
      }
      actor.commit(batch);
      return Futures.successful(null);
    } catch (RuntimeException e) {
      return Futures.failed(e);
    }
  }

  @Override
  public Future<Void> doAsyncReplayMessages(
      String persistenceId, long fromSequenceNr, long toSequenceNr, long max, Consumer<PersistentRepr> replayCallback) {
    return Futures.future(() -> {
      if (max <= 0) {
        return null;
      }
      ActorKeyspace actor = persistence.actor(persistenceId);
      long replayed = 0;
      try (KeyValueIterator it = actor.iterator(PekkoKeys.events(fromSequenceNr, toSequenceNr), false)) {
        while (replayed < max && it.hasNext()) {
          KeyValue kv = it.next();
          Object repr = PekkoValues.readEvent(kv.value()).deserialize(persistence.serialization());
          if (!(repr instanceof PersistentRepr p) || p.sequenceNr() != PekkoKeys.sequenceNr(kv.key())) {
            throw new PekkoRecordException("event " + PekkoKeys.sequenceNr(kv.key()) + " of " + persistenceId
                + " does not decode to the persistent event of that sequence number");
          }
          replayCallback.accept(p);
          replayed++;
        }
      }
      return null;
    }, context().dispatcher());
  }

  @Override
  public Future<Long> doAsyncReadHighestSequenceNr(String persistenceId, long fromSequenceNr) {
    return Futures.future(() -> highest(persistence.actor(persistenceId)), context().dispatcher());
  }

  /** The highest sequence number ever written: the last event's, or the one a delete kept, whichever is larger. */
  private static long highest(ActorKeyspace actor) {
    KeyValue last = actor.first(PekkoKeys.events(1, Long.MAX_VALUE), true);
    long fromEvents = last == null ? 0 : PekkoKeys.sequenceNr(last.key());
    byte[] kept = actor.get(PekkoKeys.highest());
    return Math.max(fromEvents, kept == null ? 0 : PekkoValues.readHighest(kept));
  }
}
