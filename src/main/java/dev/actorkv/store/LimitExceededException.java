package dev.actorkv.store;

/** A write would break a limit; it was rejected before anything was written. */
public final class LimitExceededException extends StoreException {
  /** Which limit. */
  public enum Limit {
    KEY_SIZE("logical key size"),
    VALUE_SIZE("value size"),
    ACTOR_STORAGE("storage per actor"),
    ACTOR_ID_SIZE("actor id size"),
    METADATA_SIZE("actor metadata size"),
    ALARM_NAME_SIZE("alarm name size"),
    ALARM_PAYLOAD_SIZE("alarm payload size"),
    ALARM_COUNT("alarms per actor", "alarms");

    private final String description;
    private final String unit;

    Limit(String description) {
      this(description, "bytes");
    }

    Limit(String description, String unit) {
      this.description = description;
      this.unit = unit;
    }

    /** What the value and maximum count: "bytes" or "alarms". */
    public String unit() {
      return unit;
    }

    public String description() {
      return description;
    }
  }

  private final Limit limit;
  private final long value;
  private final long max;

  public LimitExceededException(Limit limit, long value, long max) {
    super(limit.description() + " limit exceeded: " + value + " " + limit.unit() + " > maximum " + max + " " + limit.unit());
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
