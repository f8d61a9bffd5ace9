package dev.actorkv.pekko;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.persistence.SnapshotMetadata;
import org.apache.pekko.persistence.SnapshotSelectionCriteria;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.japi.SnapshotStore;
import scala.Option;
import scala.concurrent.Future;

/**
 * The snapshot-store plugin {@code actor-kv.snapshot-store}: a persistence id's snapshots in its actor's
 * user_kv namespace beside its events ({@link PekkoKeys}), one per sequence number (saving again at a
 * sequence number replaces that snapshot), with its timestamp in the value so that the selection criteria's
 * time bounds are checked without deserializing the snapshot.
 */
public final class ActorKvSnapshotStore extends SnapshotStore {
  private final ActorKvPersistence persistence = ActorKvPersistence.get(context().system());
  /** A persistence id's saves and deletes in the order its actor asked for them (a delete after a save sees it). */
  private final PerIdOrder order = new PerIdOrder();

  @Override
  public Future<Optional<SelectedSnapshot>> doLoadAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return order.after(Set.of(persistenceId), persistence.calls(), () -> {
      // Newest first: the first one within the time bounds is the one to load.
      try (ActorKvPersistence.Use use = persistence.recovering(persistenceId);
          KeyValueIterator it = use.actor().iterator(PekkoKeys.snapshots(criteria.minSequenceNr(), criteria.maxSequenceNr()), true)) {
        while (it.hasNext()) {
          KeyValue kv = it.next();
          PekkoValues.StoredSnapshot s = PekkoValues.readSnapshot(kv.value());
          if (s.timestamp() < criteria.minTimestamp() || s.timestamp() > criteria.maxTimestamp()) {
            continue;
          }
          if (!(s.data().deserialize(persistence.serialization()) instanceof Snapshot snapshot)) {
            throw new PekkoRecordException("snapshot " + PekkoKeys.sequenceNr(kv.key()) + " of " + persistenceId
                + " does not decode to a snapshot");
          }
          Option<Object> metadata = s.metadata().isPresent()
              ? Option.apply(s.metadata().get().deserialize(persistence.serialization()))
              : Option.empty();
          SnapshotMetadata md = new SnapshotMetadata(persistenceId, PekkoKeys.sequenceNr(kv.key()), s.timestamp(), metadata);
          return Optional.of(new SelectedSnapshot(md, snapshot.data()));
        }
      }
      return Optional.<SelectedSnapshot>empty();
    });
  }

  @Override
  public Future<Void> doSaveAsync(SnapshotMetadata metadata, Object snapshot) {
    return order.after(Set.of(metadata.persistenceId()), persistence.calls(), () -> {
      Optional<PekkoValues.Serialized> meta = metadata.metadata().isDefined()
          ? Optional.of(PekkoValues.Serialized.of(persistence.serialization(), metadata.metadata().get()))
          : Optional.empty();
      PekkoValues.Serialized data = PekkoValues.Serialized.of(persistence.serialization(), new Snapshot(snapshot));
      byte[] value = PekkoValues.snapshot(new PekkoValues.StoredSnapshot(metadata.timestamp(), data, meta));
      try (ActorKvPersistence.Use use = persistence.writing(metadata.persistenceId())) {
        use.actor().put(PekkoKeys.snapshot(metadata.sequenceNr()), value);
      }
      return null;
    });
  }

  @Override
  public Future<Void> doDeleteAsync(SnapshotMetadata metadata) {
    return order.after(Set.of(metadata.persistenceId()), persistence.calls(), () -> {
      try (ActorKvPersistence.Use use = persistence.writing(metadata.persistenceId())) {
        ActorKeyspace actor = use.actor();
        byte[] key = PekkoKeys.snapshot(metadata.sequenceNr());
        byte[] value = actor.get(key);
        // A timestamp of 0 means "whatever its timestamp"; another one deletes only that snapshot.
        if (value != null && (metadata.timestamp() == 0 || PekkoValues.readSnapshot(value).timestamp() == metadata.timestamp())) {
          actor.delete(key);
        }
      }
      return null;
    });
  }

  @Override
  public Future<Void> doDeleteAsync(String persistenceId, SnapshotSelectionCriteria criteria) {
    return order.after(Set.of(persistenceId), persistence.calls(), () -> {
      try (ActorKvPersistence.Use use = persistence.writing(persistenceId)) {
        ActorKeyspace actor = use.actor();
        ActorBatch batch = new ActorBatch();
        try (KeyValueIterator it = actor.iterator(PekkoKeys.snapshots(criteria.minSequenceNr(), criteria.maxSequenceNr()), false)) {
          while (it.hasNext()) {
            KeyValue kv = it.next();
            long timestamp = PekkoValues.readSnapshot(kv.value()).timestamp();
            if (timestamp >= criteria.minTimestamp() && timestamp <= criteria.maxTimestamp()) {
              batch.delete(kv.key());
            }
          }
        }
        if (!batch.isEmpty()) {
          actor.commit(batch);
        }
      }
      return null;
    });
  }
}
