package dev.actorkv.migrate;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.actorkv.migrate.proto.MigrationMetadata;
import dev.actorkv.store.ActorKeyspace;

/**
 * The migration's part of an actor's metadata: its layout version and its migration marker (fields 1
 * and 2 of the metadata message; see {@code MigrationMetadata} in migrate.proto). Other layers' fields
 * of the same metadata are kept as they are when this part is rewritten.
 */
final class LayoutMetadata {
  private LayoutMetadata() {}

  /**
   * The migration's fields of {@code actor}'s metadata; none when it has no metadata or metadata that is
   * not a protobuf message (then the next migration batch rewrites it).
   */
  static MigrationMetadata read(ActorKeyspace actor) {
    return parse(actor.metadata());
  }

  private static MigrationMetadata parse(byte[] raw) {
    if (raw == null) {
      return MigrationMetadata.getDefaultInstance();
    }
    try {
      return MigrationMetadata.parseFrom(raw);
    } catch (InvalidProtocolBufferException e) {
      return MigrationMetadata.getDefaultInstance();
    }
  }

  /** Whether the metadata records the layout as legacy (0): legacy data left, or a migration unfinished. */
  static boolean recordsLegacy(ActorKeyspace actor) {
    MigrationMetadata m = read(actor);
    return m.hasLayoutVersion() && m.getLayoutVersion() == 0;
  }

  /** The actor's serialized migration marker, or null when it has none. */
  static byte[] marker(ActorKeyspace actor) {
    MigrationMetadata m = read(actor);
    return m.hasMigrationMarker() ? m.getMigrationMarker().toByteArray() : null;
  }

  /** {@code actor}'s metadata with the layout version and marker replaced, the other fields kept. */
  static byte[] with(ActorKeyspace actor, int layoutVersion, byte[] marker) {
    return parse(actor.metadata()).toBuilder()
        .setLayoutVersion(layoutVersion)
        .setMigrationMarker(com.google.protobuf.ByteString.copyFrom(marker))
        .build()
        .toByteArray();
  }
}
