package dev.actorkv.migrate;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.WorkflowField;

import java.util.Optional;

/**
 * The pure key mapping of ACTOR_KV_STRUCTURE.md section 2, from the legacy (pre-v1) layout to layout v1, and its
 * inverse. A legacy key and its v1 key name the same logical thing, so both sides are the same
 * {@link KeyDescription} record with another version, with one exception: the legacy workflow field
 * {@link WorkflowField#VERSION "version"} {@code (3,4)} has no v1 key and is dropped (legacy input
 * {@code (3,5)} becomes {@code (3,4)} through {@link WorkflowField}'s per-version codes).
 *
 * <p>The mapping is injective: two different legacy keys never map to the same v1 key.
 */
public final class LegacyMapping {
  private LegacyMapping() {}

  /**
   * The v1 key that {@code legacy} moves to, or empty when the key is dropped (legacy workflow field
   * "version"). Throws {@link IllegalArgumentException} when {@code legacy} is not a legacy key.
   */
  public static Optional<KeyDescription> toV1(KeyDescription legacy) {
    if (!legacy.isLegacy()) {
      throw new IllegalArgumentException("not a legacy key: " + legacy);
    }
    return Optional.ofNullable(withVersion(legacy, Namespace.CURRENT_VERSION));
  }

  /** {@link #toV1(KeyDescription)} on key bytes: decodes {@code legacyKey} strictly first. */
  public static Optional<byte[]> toV1(byte[] legacyKey) {
    KeyDescription d = KeyDescriber.describe(legacyKey);
    if (!d.isLegacy()) {
      throw new KeyFormatException("not a legacy key: " + d);
    }
    return toV1(d).map(KeyDescription::encode);
  }

  /**
   * The legacy key that moves to {@code v1} (the inverse of {@link #toV1(KeyDescription)}), or empty
   * when {@code v1} lies in a namespace the legacy layout shares with v1 (persisted data, connections,
   * inspector token, user KV: those keys never moved). Throws {@link IllegalArgumentException} when
   * {@code v1} is a legacy key.
   */
  public static Optional<KeyDescription> toLegacy(KeyDescription v1) {
    if (v1.isLegacy()) {
      throw new IllegalArgumentException("already a legacy key: " + v1);
    }
    if (!v1.namespace().versioned()) {
      return Optional.empty();
    }
    return Optional.of(withVersion(v1, 0));
  }

  /** The same logical key in layout {@code version}, or null when it does not exist there. */
  private static KeyDescription withVersion(KeyDescription d, int version) {
    return switch (d) {
      case KeyDescription.QueueMetadata q -> new KeyDescription.QueueMetadata(version);
      case KeyDescription.QueueMessage q -> new KeyDescription.QueueMessage(version, q.id());
      case KeyDescription.WorkflowName w -> new KeyDescription.WorkflowName(version, w.index());
      case KeyDescription.WorkflowHistory w -> new KeyDescription.WorkflowHistory(version, w.location());
      case KeyDescription.WorkflowFieldKey w ->
          w.field() == WorkflowField.VERSION && version != 0 ? null : new KeyDescription.WorkflowFieldKey(version, w.field());
      case KeyDescription.WorkflowEntryMetadata w -> new KeyDescription.WorkflowEntryMetadata(version, w.entryId());
      case KeyDescription.TracesChunk t -> new KeyDescription.TracesChunk(version, t.bucketStartSec(), t.chunkId());
      case KeyDescription.SqliteFileMeta s -> new KeyDescription.SqliteFileMeta(version, s.file());
      case KeyDescription.SqliteChunk s -> new KeyDescription.SqliteChunk(version, s.file(), s.chunkIndex());
      case KeyDescription.PersistedData p -> throw new IllegalArgumentException("unversioned namespace: " + d);
      case KeyDescription.Connection c -> throw new IllegalArgumentException("unversioned namespace: " + d);
      case KeyDescription.InspectorToken i -> throw new IllegalArgumentException("unversioned namespace: " + d);
      case KeyDescription.UserKv u -> throw new IllegalArgumentException("unversioned namespace: " + d);
    };
  }
}
