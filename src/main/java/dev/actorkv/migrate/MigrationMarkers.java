package dev.actorkv.migrate;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.migrate.proto.MigrationMarker;
import dev.actorkv.store.ActorKeyspace;

/** Reads and writes the per-actor migration marker (its protobuf is in migrate.proto), kept in the actor's metadata. */
final class MigrationMarkers {
  private MigrationMarkers() {}

  /** Where a migration stands according to the marker. */
  record Progress(boolean inProgress, boolean complete, long batches, MigrationCounts counts) {
    static final Progress NONE = new Progress(false, false, 0, MigrationCounts.ZERO);
  }

  /**
   * The actor's progress. A marker that does not decode is treated as absent: it only holds counts
   * (where the migration stands is derived from the keys themselves), so the next batch rewrites it
   * from zero rather than stopping the migration over a bookkeeping record.
   */
  static Progress read(ActorKeyspace actor) {
    byte[] raw = LayoutMetadata.marker(actor);
    if (raw == null) {
      return Progress.NONE;
    }
    MigrationMarker m;
    try {
      m = MigrationMarker.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      return Progress.NONE;
    }
    MigrationCounts counts = MigrationCounts.ZERO
        .plus(Namespace.QUEUE, fromProto(m.getQueue()))
        .plus(Namespace.WORKFLOW, fromProto(m.getWorkflow()))
        .plus(Namespace.TRACES, fromProto(m.getTraces()))
        .plus(Namespace.SQLITE, fromProto(m.getSqlite()));
    return new Progress(m.getState() == MigrationMarker.State.IN_PROGRESS,
        m.getState() == MigrationMarker.State.COMPLETE, m.getBatches(), counts);
  }

  static byte[] encode(boolean complete, long batches, MigrationCounts counts) {
    return MigrationMarker.newBuilder()
        .setState(complete ? MigrationMarker.State.COMPLETE : MigrationMarker.State.IN_PROGRESS)
        .setTargetLayoutVersion(Namespace.CURRENT_VERSION)
        .setBatches(batches)
        .setQueue(toProto(counts.of(Namespace.QUEUE)))
        .setWorkflow(toProto(counts.of(Namespace.WORKFLOW)))
        .setTraces(toProto(counts.of(Namespace.TRACES)))
        .setSqlite(toProto(counts.of(Namespace.SQLITE)))
        .build()
        .toByteArray();
  }

  private static NamespaceCounts fromProto(dev.actorkv.migrate.proto.NamespaceCounts p) {
    return new NamespaceCounts(p.getMoved(), p.getLegacyBytes(), p.getDropped(), p.getKeptLegacy(), p.getKeptV1(),
        p.getIdentical(), 0);
  }

  private static dev.actorkv.migrate.proto.NamespaceCounts toProto(NamespaceCounts c) {
    if (c.conflicts() != 0) {
      throw new IllegalStateException("unresolved conflicts are never committed");
    }
    return dev.actorkv.migrate.proto.NamespaceCounts.newBuilder()
        .setMoved(c.moved())
        .setLegacyBytes(c.legacyBytes())
        .setDropped(c.dropped())
        .setKeptLegacy(c.keptLegacy())
        .setKeptV1(c.keptV1())
        .setIdentical(c.identical())
        .build();
  }
}
