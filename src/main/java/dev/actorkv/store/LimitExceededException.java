package dev.actorkv.store;

/** A write would break a limit; it was rejected before anything was written. */
public final class LimitExceededException extends StoreException {
  /** Which limit. */
  public enum Limit {
    KEY_SIZE("logical key size"),
    VALUE_SIZE("value size"),
    ACTOR_STORAGE("storage per actor"),
    ACTOR_ID_SIZE("actor id size"),
    METADATA_SIZE("actor metadata size");

    private final String description;

    Limit(String description) {
      this.description = description;
    }

    public String description() {
      return description;
    }
  }

  private final Limit limit;
  private final long value;
  private final long max;

  public LimitExceededException(Limit limit, long value, long max) {
    super(limit.description() + " limit exceeded: " + value + " bytes > maximum " + max + " bytes");
    this.limit = limit;
    this.value = value;
    this.max = max;
  }

  public Limit limit() {
    return limit;
  }

  /** The size the write would have reached. */
  public long value() {
    return value;
  }

  public long max() {
    return max;
  }
}
