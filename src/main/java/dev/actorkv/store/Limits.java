package dev.actorkv.store;

/**
 * Per-actor limits, checked before anything is written. Storage counts, for every entry of the actor,
 * its logical key length plus its value length. The actor id's length is limited because every physical
 * key of the actor repeats it ({@code pack(actor_id)} + logical key): an id of n UTF-8 bytes costs about
 * n + 2 bytes per key, before RocksDB's prefix compression, which that storage count does not include.
 */
public record Limits(int maxKeyBytes, int maxValueBytes, long maxStorageBytes, int maxActorIdBytes, int maxAlarmsPerActor) {
  /** Default maximum actor id length in UTF-8 bytes. */
  public static final int DEFAULT_MAX_ACTOR_ID_BYTES = 1024;
  /**
   * Default maximum number of alarms one actor holds at a time. Alarms do not count towards the storage
   * limit (they are bookkeeping outside the logical keyspace); this bounds them instead, to at most
   * 1000 x ({@link Alarm#MAX_NAME_BYTES} + {@link Alarm#MAX_PAYLOAD_BYTES}) bytes per actor.
   */
  public static final int DEFAULT_MAX_ALARMS_PER_ACTOR = 1000;

  /**
   * ACTOR_KV_STRUCTURE.md section 6: keys up to 2048 bytes, values up to 128 KiB, 10 GiB per actor; actor ids up to
   * 1024 bytes of UTF-8.
   */
  public static final Limits DEFAULTS =
      new Limits(2048, 128 * 1024, 10L * 1024 * 1024 * 1024, DEFAULT_MAX_ACTOR_ID_BYTES, DEFAULT_MAX_ALARMS_PER_ACTOR);

  public Limits {
    if (maxKeyBytes <= 0 || maxValueBytes < 0 || maxStorageBytes <= 0 || maxActorIdBytes <= 0 || maxAlarmsPerActor < 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /** The given limits and the default alarm count limit. */
  public Limits(int maxKeyBytes, int maxValueBytes, long maxStorageBytes, int maxActorIdBytes) {
    this(maxKeyBytes, maxValueBytes, maxStorageBytes, maxActorIdBytes, DEFAULT_MAX_ALARMS_PER_ACTOR);
  }

  /** The given limits and the default actor id and alarm count limits. */
  public Limits(int maxKeyBytes, int maxValueBytes, long maxStorageBytes) {
    this(maxKeyBytes, maxValueBytes, maxStorageBytes, DEFAULT_MAX_ACTOR_ID_BYTES);
  }

  public Limits withMaxKeyBytes(int v) {
    return new Limits(v, maxValueBytes, maxStorageBytes, maxActorIdBytes, maxAlarmsPerActor);
  }

  public Limits withMaxValueBytes(int v) {
    return new Limits(maxKeyBytes, v, maxStorageBytes, maxActorIdBytes, maxAlarmsPerActor);
  }

  public Limits withMaxStorageBytes(long v) {
    return new Limits(maxKeyBytes, maxValueBytes, v, maxActorIdBytes, maxAlarmsPerActor);
  }

  public Limits withMaxActorIdBytes(int v) {
    return new Limits(maxKeyBytes, maxValueBytes, maxStorageBytes, v, maxAlarmsPerActor);
  }

  public Limits withMaxAlarmsPerActor(int v) {
    return new Limits(maxKeyBytes, maxValueBytes, maxStorageBytes, maxActorIdBytes, v);
  }
}
