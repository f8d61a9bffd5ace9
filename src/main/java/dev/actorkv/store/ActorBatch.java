package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The changes of one logical operation on one actor: puts, deletes and range deletes, applied in order,
 * and alarm changes ({@link #setAlarm}, {@link #deleteAlarm}), as one atomic write of the engine by
 * {@link ActorKeyspace#commit}. Building a batch touches no storage.
 */
public final class ActorBatch {
  /** One change. */
  public sealed interface Op permits Put, Delete, DeleteRange {}

  /** Put {@code value} at {@code key}. Compares by the arrays' contents. */
  public record Put(byte[] key, byte[] value) implements Op {
    @Override
    public boolean equals(Object o) {
      return o instanceof Put p && java.util.Arrays.equals(key, p.key) && java.util.Arrays.equals(value, p.value);
    }

    @Override
    public int hashCode() {
      return 31 * java.util.Arrays.hashCode(key) + java.util.Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "Put[" + java.util.HexFormat.of().formatHex(key) + ", " + value.length + " bytes]";
    }
  }

  /** Delete {@code key}. Compares by the array's contents. */
  public record Delete(byte[] key) implements Op {
    @Override
    public boolean equals(Object o) {
      return o instanceof Delete d && java.util.Arrays.equals(key, d.key);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "Delete[" + java.util.HexFormat.of().formatHex(key) + "]";
    }
  }

  public record DeleteRange(KeyRange range) implements Op {}

  /**
   * A change of one alarm (issue 20): set it to {@code alarm}, or delete it when {@code alarm} is null.
   * Alarm changes are applied in the same atomic write as the batch's key changes.
   */
  public record AlarmChange(String name, Alarm alarm) {
    public boolean isDelete() {
      return alarm == null;
    }
  }

  private final List<Op> ops = new ArrayList<>();
  /** The net alarm changes by name (a later change of a name replaces an earlier one), in first-change order. */
  private final java.util.LinkedHashMap<String, AlarmChange> alarms = new java.util.LinkedHashMap<>();
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
   * Like {@link #put}, but the batch takes the arrays over instead of copying them: for a caller that
   * built {@code key} and {@code value} for this batch (an encoded value, a freshly built key) and never
   * reads or changes them again. The managers write through it, so a message body is not copied once
   * more on its way to the engine. Changing an array after handing it over changes what is written.
   */
  public ActorBatch putOwned(byte[] key, byte[] value) {
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

  /**
   * Sets the actor's alarm {@code name} to fire at {@code due} with {@code payload} (copied), replacing
   * an alarm of that name, in the same atomic write as the rest of the batch.
   *
   * @throws InvalidAlarmException for a bad name or due time, {@link LimitExceededException} for a name or
   *     payload over its limit; the batch is unchanged then
   */
  public ActorBatch setAlarm(String name, java.time.Instant due, byte[] payload) {
    return setAlarm(new Alarm(name, due, payload));
  }

  /** Sets {@code alarm} (replacing one of the same name) in the same write as the rest of the batch. */
  public ActorBatch setAlarm(Alarm alarm) {
    java.util.Objects.requireNonNull(alarm, "alarm");
    alarms.remove(alarm.name()); // keeps the order of the latest change
    alarms.put(alarm.name(), new AlarmChange(alarm.name(), alarm));
    return this;
  }

  /** Deletes the actor's alarm {@code name} (nothing when it has none) in the same write as the rest of the batch. */
  public ActorBatch deleteAlarm(String name) {
    Alarm.checkName(name);
    alarms.remove(name);
    alarms.put(name, new AlarmChange(name, null));
    return this;
  }

  /** The alarm changes, one per name (the last one made), in the order they were last made. */
  public List<AlarmChange> alarmChanges() {
    return List.copyOf(alarms.values());
  }

  boolean hasAlarmChanges() {
    return !alarms.isEmpty();
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
    return ops.isEmpty() && alarms.isEmpty() && metadata == null;
  }

  /** Appends every change of {@code other}, after this batch's own. */
  public ActorBatch addAll(ActorBatch other) {
    ops.addAll(other.ops);
    for (AlarmChange c : other.alarms.values()) {
      alarms.remove(c.name());
      alarms.put(c.name(), c);
    }
    if (other.metadata != null) {
      metadata = other.metadata;
    }
    return this;
  }
}
