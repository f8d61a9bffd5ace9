package dev.actorkv.store;

import java.util.Objects;

/**
 * Options for {@link ActorStore#open}. Immutable; the {@code with...} methods return copies.
 *
 * <p>{@code legacyHandler} decides what {@link ActorStore#actor} does with an actor that still holds
 * legacy-layout data. The store's default is {@link LegacyHandler#OPEN_AS_IS} so that inspection tools
 * see exactly what is stored; applications open stores through {@code dev.actorkv.migrate.Migrations},
 * whose options migrate such actors first (or refuse them, if configured).
 */
public record StoreOptions(
    Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing, LegacyHandler legacyHandler) {
  public static final StoreOptions DEFAULTS =
      new StoreOptions(Limits.DEFAULTS, Durability.WAL, FaultInjector.NONE, true, LegacyHandler.OPEN_AS_IS);

  public StoreOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(legacyHandler, "legacyHandler");
  }

  public StoreOptions(Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing) {
    this(limits, durability, faults, createIfMissing, LegacyHandler.OPEN_AS_IS);
  }

  public static StoreOptions defaults() {
    return DEFAULTS;
  }

  public StoreOptions withLimits(Limits v) {
    return new StoreOptions(v, durability, faults, createIfMissing, legacyHandler);
  }

  public StoreOptions withDurability(Durability v) {
    return new StoreOptions(limits, v, faults, createIfMissing, legacyHandler);
  }

  public StoreOptions withFaults(FaultInjector v) {
    return new StoreOptions(limits, durability, v, createIfMissing, legacyHandler);
  }

  public StoreOptions withCreateIfMissing(boolean v) {
    return new StoreOptions(limits, durability, faults, v, legacyHandler);
  }

  public StoreOptions withLegacyHandler(LegacyHandler v) {
    return new StoreOptions(limits, durability, faults, createIfMissing, v);
  }
}
