package dev.actorkv.store;

/**
 * Per-actor limits, checked before anything is written. Storage counts, for every entry of the actor,
 * its logical key length plus its value length.
 */
public record Limits(int maxKeyBytes, int maxValueBytes, long maxStorageBytes) {
  /** ACTOR_KV_STRUCTURE.md section 6: keys up to 2048 bytes, values up to 128 KiB, 10 GiB per actor. */
  public static final Limits DEFAULTS = new Limits(2048, 128 * 1024, 10L * 1024 * 1024 * 1024);

  public Limits {
    if (maxKeyBytes <= 0 || maxValueBytes < 0 || maxStorageBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  public Limits withMaxKeyBytes(int v) {
    return new Limits(v, maxValueBytes, maxStorageBytes);
  }

  public Limits withMaxValueBytes(int v) {
    return new Limits(maxKeyBytes, v, maxStorageBytes);
  }

  public Limits withMaxStorageBytes(long v) {
    return new Limits(maxKeyBytes, maxValueBytes, v);
  }
}
