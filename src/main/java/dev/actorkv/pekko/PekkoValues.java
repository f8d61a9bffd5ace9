package dev.actorkv.pekko;

import dev.actorkv.tuple.Tuple;
import java.util.Optional;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * Values of the Pekko sub-layout, each a packed tuple. An event: {@code (serializerId, manifest, bytes)} of
 * the PersistentRepr through Pekko's serialization (its own serializer nests the payload's). A snapshot:
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
      return new Serialized(serializer.identifier(), manifest, serializer.toBinary(o));
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

  static byte[] event(Serialized repr) {
    return repr.appendTo(Tuple.empty()).pack();
  }

  static Serialized readEvent(byte[] value) {
    Tuple t = unpack(value, "event");
    if (t.size() != 3) {
      throw new PekkoRecordException("event value must have 3 tuple elements, found " + t.size());
    }
    return Serialized.read(t, 0, "event value");
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
