package dev.actorkv.store;

import java.util.Objects;

/** Options for {@link ActorStore#open}. Immutable; the {@code with...} methods return copies. */
public record StoreOptions(Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing) {
  public static final StoreOptions DEFAULTS = new StoreOptions(Limits.DEFAULTS, Durability.WAL, FaultInjector.NONE, true);

  public StoreOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(faults, "faults");
  }

  public static StoreOptions defaults() {
    return DEFAULTS;
  }

  public StoreOptions withLimits(Limits v) {
    return new StoreOptions(v, durability, faults, createIfMissing);
  }

  public StoreOptions withDurability(Durability v) {
    return new StoreOptions(limits, v, faults, createIfMissing);
  }

  public StoreOptions withFaults(FaultInjector v) {
    return new StoreOptions(limits, durability, v, createIfMissing);
  }

  public StoreOptions withCreateIfMissing(boolean v) {
    return new StoreOptions(limits, durability, faults, v);
  }
}
