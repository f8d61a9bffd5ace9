package dev.actorkv.pekko;

import dev.actorkv.tuple.Tuple;
import java.util.Optional;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Values of the Pekko sub-layout, each a packed tuple. An event: {@code (serializerId, manifest, bytes,
 * eventManifest, writerUuid, timestamp[, metaSerializerId, metaManifest, metaBytes])}, its payload through
 * Pekko's serialization and the rest of its PersistentRepr as plain elements (the persistence id and
 * sequence number are the key's), which a replay reads without a second, nested deserialization; the
 * first version, {@code (serializerId, manifest, bytes)} of the whole PersistentRepr, is still read. A snapshot:
 * {@code (timestamp, serializerId, manifest, bytes)} of the snapshot data wrapped in Pekko's
 * {@code Snapshot}, followed by {@code (serializerId, manifest, bytes)} of the snapshot metadata's
 * optional payload when it has one. The highest-sequence-number record: {@code (sequenceNr)}.
 */
final class PekkoValues {
  private PekkoValues() {}

  /** One object in serialized form: the serializer id and manifest that read it back. */
  record Serialized(int serializerId, String manifest, byte[] bytes) {
    /** Serializes {@code o}; throws whatever Pekko's serialization throws for an object it cannot write. */
    static Serialized of(Serialization serialization, Object o) throws Exception {
      Serializer serializer = serialization.findSerializerFor(o);
      String manifest = Serializers.manifestFor(serializer, o);
      // Through serialize(), which, as Pekko's own serializers do, gives the serializer the system's address for actor references.
      byte[] bytes = serialization.serialize(o).get();
      return new Serialized(serializer.identifier(), manifest, bytes);
    }

    Object deserialize(Serialization serialization) {
      return serialization.deserialize(bytes, serializerId, manifest).get();
    }

    Tuple appendTo(Tuple t) {
      return t.add((long) serializerId).add(manifest).add(bytes);
    }

    static Serialized read(Tuple t, int at, String what) {
      if (t.size() < at + 3
          || !(t.get(at) instanceof Long id)
          || id < Integer.MIN_VALUE
          || id > Integer.MAX_VALUE
          || !(t.get(at + 1) instanceof String manifest)
          || !(t.get(at + 2) instanceof byte[] bytes)) {
        throw new PekkoRecordException(what + " does not hold (serializer id, manifest, bytes) at element " + at);
      }
      return new Serialized(id.intValue(), manifest, bytes);
    }
  }

  record StoredSnapshot(long timestamp, Serialized data, Optional<Serialized> metadata) {}

  /** The value of {@code repr}; throws whatever Pekko's serialization throws for a payload it cannot write. */
  static byte[] event(Serialization serialization, PersistentRepr repr) throws Exception {
    Tuple t = Serialized.of(serialization, repr.payload()).appendTo(Tuple.empty())
        .add(repr.manifest()).add(repr.writerUuid()).add(repr.timestamp());
    if (repr.metadata().isDefined()) {
      t = Serialized.of(serialization, repr.metadata().get()).appendTo(t);
    }
    return t.pack();
  }

  /** The event {@code sequenceNr} of {@code persistenceId} from its value (either version). */
  static PersistentRepr readEvent(byte[] value, String persistenceId, long sequenceNr, Serialization serialization) {
    Tuple t = unpack(value, "event");
    if (t.size() == 3) { // the first version: the whole PersistentRepr through Pekko's serialization
      Object repr = Serialized.read(t, 0, "event value").deserialize(serialization);
      if (!(repr instanceof PersistentRepr p) || p.sequenceNr() != sequenceNr) {
        throw new PekkoRecordException("event " + sequenceNr + " of " + persistenceId
            + " does not decode to the persistent event of that sequence number");
      }
      return p;
    }
    if ((t.size() != 6 && t.size() != 9)
        || !(t.get(3) instanceof String manifest)
        || !(t.get(4) instanceof String writerUuid)
        || !(t.get(5) instanceof Long timestamp)) {
      throw new PekkoRecordException("event " + sequenceNr + " of " + persistenceId + ": value must be (serializer id, manifest,"
          + " bytes, event manifest, writer uuid, timestamp[, metadata serializer id, manifest, bytes]), found " + t);
    }
    Object payload = Serialized.read(t, 0, "event value").deserialize(serialization);
    PersistentRepr repr = PersistentRepr.apply(payload, sequenceNr, persistenceId, manifest, false, ActorRef.noSender(), writerUuid)
        .withTimestamp(timestamp);
    return t.size() == 9 ? repr.withMetadata(Serialized.read(t, 6, "event metadata").deserialize(serialization)) : repr;
  }

  static byte[] snapshot(StoredSnapshot s) {
    Tuple t = s.data().appendTo(Tuple.of(s.timestamp()));
    if (s.metadata().isPresent()) {
      t = s.metadata().get().appendTo(t);
    }
    return t.pack();
  }

  static StoredSnapshot readSnapshot(byte[] value) {
    Tuple t = unpack(value, "snapshot");
    if ((t.size() != 4 && t.size() != 7) || !(t.get(0) instanceof Long timestamp)) {
      throw new PekkoRecordException("snapshot value must be (timestamp, serializer id, manifest, bytes[, metadata]), found "
          + t.size() + " elements");
    }
    Serialized data = Serialized.read(t, 1, "snapshot value");
    Optional<Serialized> metadata = t.size() == 7 ? Optional.of(Serialized.read(t, 4, "snapshot metadata")) : Optional.empty();
    return new StoredSnapshot(timestamp, data, metadata);
  }

  static byte[] highest(long sequenceNr) {
    return Tuple.of(sequenceNr).pack();
  }

  static long readHighest(byte[] value) {
    Tuple t = unpack(value, "highest sequence number");
    if (t.size() != 1 || !(t.get(0) instanceof Long seq) || seq < 0) {
      throw new PekkoRecordException("highest sequence number value must be one integer >= 0");
    }
    return seq;
  }

  private static Tuple unpack(byte[] value, String what) {
    try {
      return Tuple.fromBytes(value);
    } catch (RuntimeException e) {
      throw new PekkoRecordException(what + " value is not a packed tuple: " + e.getMessage(), e);
    }
  }
}
