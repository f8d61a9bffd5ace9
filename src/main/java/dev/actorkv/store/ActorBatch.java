package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The changes of one logical operation on one actor: puts, deletes and range deletes, applied in order
 * as one atomic RocksDB write by {@link ActorKeyspace#commit}. Building a batch touches no storage.
 */
public final class ActorBatch {
  /** One change. */
  public sealed interface Op permits Put, Delete, DeleteRange {}

  public record Put(byte[] key, byte[] value) implements Op {}

  public record Delete(byte[] key) implements Op {}

  public record DeleteRange(KeyRange range) implements Op {}

  private final List<Op> ops = new ArrayList<>();
  private Integer layoutVersion;
  /** New value of the actor's migration marker (empty array: delete it); null: leave it unchanged. */
  private byte[] migrationMarker;

  /** Puts {@code value} at {@code key}. The arrays are copied, so callers may reuse them. */
  public ActorBatch put(byte[] key, byte[] value) {
    PhysicalKeys.checkLogical(key);
    ops.add(new Put(key.clone(), value.clone()));
    return this;
  }

  /**
   * Like {@link #put} without copying, for batches the store builds, commits and drops inside one call
   * (the caller's arrays are not kept past that call).
   */
  ActorBatch putShared(byte[] key, byte[] value) {
    PhysicalKeys.checkLogical(key);
    ops.add(new Put(key, java.util.Objects.requireNonNull(value, "value")));
    return this;
  }

  public ActorBatch delete(byte[] key) {
    PhysicalKeys.checkLogical(key);
    ops.add(new Delete(key.clone()));
    return this;
  }

  /** Deletes every key in {@code range}. */
  public ActorBatch deleteRange(KeyRange range) {
    ops.add(new DeleteRange(range));
    return this;
  }

  /** Records the actor's layout version in the same write (used by migration). */
  public ActorBatch setLayoutVersion(int version) {
    if (version < 0) {
      throw new IllegalArgumentException("layout version must be >= 0");
    }
    this.layoutVersion = version;
    return this;
  }

  Integer layoutVersion() {
    return layoutVersion;
  }

  /**
   * Sets the actor's migration marker to {@code value} in the same write (used by migration). The
   * marker is store bookkeeping outside the actor's logical keyspace: it does not count towards the
   * actor's storage, and its value is opaque to the store. An empty {@code value} deletes the marker.
   */
  public ActorBatch setMigrationMarker(byte[] value) {
    this.migrationMarker = value.clone();
    return this;
  }

  byte[] migrationMarker() {
    return migrationMarker;
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }

  /** The changes without a defensive wrapper, for the store's commit path (which only reads them). */
  List<Op> opsView() {
    return ops;
  }

  public int size() {
    return ops.size();
  }

  public boolean isEmpty() {
    return ops.isEmpty() && layoutVersion == null && migrationMarker == null;
  }

  /** Appends every change of {@code other}, after this batch's own. */
  public ActorBatch addAll(ActorBatch other) {
    ops.addAll(other.ops);
    if (other.layoutVersion != null) {
      layoutVersion = other.layoutVersion;
    }
    if (other.migrationMarker != null) {
      migrationMarker = other.migrationMarker;
    }
    return this;
  }
}
