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
  /** New value of the actor's metadata (empty array: clear it); null: leave it unchanged. */
  private byte[] metadata;

  /** The largest metadata an actor keeps, in bytes: it travels with every write of the actor's record. */
  public static final int MAX_METADATA_BYTES = 4096;

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

  /**
   * Sets the actor's metadata to {@code value} in the same atomic write as this batch's changes. The
   * metadata is a record the store keeps beside the actor's keys for the layers above it (the migration
   * and copy tools keep their bookkeeping there): the store never interprets it, and it does not count
   * towards the actor's storage. An empty {@code value} clears it. Above {@link #MAX_METADATA_BYTES} it
   * throws {@link LimitExceededException} and the batch is unchanged.
   */
  public ActorBatch setMetadata(byte[] value) {
    if (value.length > MAX_METADATA_BYTES) {
      throw new LimitExceededException(LimitExceededException.Limit.METADATA_SIZE, value.length, MAX_METADATA_BYTES);
    }
    this.metadata = value.clone();
    return this;
  }

  byte[] metadata() {
    return metadata;
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
    return ops.isEmpty() && metadata == null;
  }

  /** Appends every change of {@code other}, after this batch's own. */
  public ActorBatch addAll(ActorBatch other) {
    ops.addAll(other.ops);
    if (other.metadata != null) {
      metadata = other.metadata;
    }
    return this;
  }
}
