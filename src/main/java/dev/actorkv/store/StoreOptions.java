package dev.actorkv.store;

import java.util.Objects;

/**
 * Options for {@link ActorStore#open}. Immutable; the {@code with...} methods return copies.
 *
 * <p>{@code openHook} runs in {@link ActorStore#actor} before an actor is handed out (see
 * {@link ActorOpenHook}). The store's default, {@link ActorOpenHook#NONE}, hands out every actor as stored,
 * so that inspection tools see exactly what is stored; applications open stores through
 * the migration package's {@code Migrations}, whose options migrate legacy actors first (or refuse them).
 *
 * <p>{@code readOnly} opens an existing store without creating, changing or locking any file of it (see
 * {@link #forReading()}); every write then throws {@link ReadOnlyStoreException}.
 */
public record StoreOptions(
    Limits limits,
    Durability durability,
    FaultInjector faults,
    boolean createIfMissing,
    ActorOpenHook openHook,
    boolean readOnly) {
  public static final StoreOptions DEFAULTS =
      new StoreOptions(Limits.DEFAULTS, Durability.WAL, FaultInjector.NONE, true, ActorOpenHook.NONE, false);

  public StoreOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(openHook, "openHook");
  }

  public StoreOptions(
      Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing, ActorOpenHook openHook) {
    this(limits, durability, faults, createIfMissing, openHook, false);
  }

  public StoreOptions(Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing) {
    this(limits, durability, faults, createIfMissing, ActorOpenHook.NONE, false);
  }

  public static StoreOptions defaults() {
    return DEFAULTS;
  }

  /**
   * The defaults, read-only: opens an existing store for reading beside a process that may have it open
   * for writing, sees one consistent view of it as of the open, and creates, changes or locks no file
   * (so it also works on a directory the user may only read).
   */
  public static StoreOptions forReading() {
    return DEFAULTS.withReadOnly(true);
  }

  public StoreOptions withLimits(Limits v) {
    return new StoreOptions(v, durability, faults, createIfMissing, openHook, readOnly);
  }

  public StoreOptions withDurability(Durability v) {
    return new StoreOptions(limits, v, faults, createIfMissing, openHook, readOnly);
  }

  public StoreOptions withFaults(FaultInjector v) {
    return new StoreOptions(limits, durability, v, createIfMissing, openHook, readOnly);
  }

  public StoreOptions withCreateIfMissing(boolean v) {
    return new StoreOptions(limits, durability, faults, v, openHook, readOnly);
  }

  public StoreOptions withOpenHook(ActorOpenHook v) {
    return new StoreOptions(limits, durability, faults, createIfMissing, v, readOnly);
  }

  /** Read-only (see {@link #forReading()}); a read-only open never creates a store, whatever createIfMissing says. */
  public StoreOptions withReadOnly(boolean v) {
    return new StoreOptions(limits, durability, faults, createIfMissing, openHook, v);
  }
}
