package dev.actorkv.store;

import io.opentelemetry.api.metrics.MeterProvider;
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
 *
 * <p>{@code meterProvider} is where the store and the managers opened on it record their metrics
 * (README lists the instruments). The default, {@link MeterProvider#noop()}, records nothing. The library
 * never reaches for a global one: an application that set up {@code GlobalOpenTelemetry} passes
 * {@code GlobalOpenTelemetry.get().getMeterProvider()} here itself.
 */
public record StoreOptions(
    Limits limits,
    Durability durability,
    FaultInjector faults,
    boolean createIfMissing,
    ActorOpenHook openHook,
    boolean readOnly,
    MeterProvider meterProvider) {
  public static final StoreOptions DEFAULTS = new StoreOptions(
      Limits.DEFAULTS, Durability.WAL, FaultInjector.NONE, true, ActorOpenHook.NONE, false, MeterProvider.noop());

  public StoreOptions {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(durability, "durability");
    Objects.requireNonNull(faults, "faults");
    Objects.requireNonNull(openHook, "openHook");
    Objects.requireNonNull(meterProvider, "meterProvider");
  }

  public StoreOptions(Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing,
      ActorOpenHook openHook, boolean readOnly) {
    this(limits, durability, faults, createIfMissing, openHook, readOnly, MeterProvider.noop());
  }

  public StoreOptions(
      Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing, ActorOpenHook openHook) {
    this(limits, durability, faults, createIfMissing, openHook, false, MeterProvider.noop());
  }

  public StoreOptions(Limits limits, Durability durability, FaultInjector faults, boolean createIfMissing) {
    this(limits, durability, faults, createIfMissing, ActorOpenHook.NONE, false, MeterProvider.noop());
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
    return new StoreOptions(v, durability, faults, createIfMissing, openHook, readOnly, meterProvider);
  }

  public StoreOptions withDurability(Durability v) {
    return new StoreOptions(limits, v, faults, createIfMissing, openHook, readOnly, meterProvider);
  }

  public StoreOptions withFaults(FaultInjector v) {
    return new StoreOptions(limits, durability, v, createIfMissing, openHook, readOnly, meterProvider);
  }

  public StoreOptions withCreateIfMissing(boolean v) {
    return new StoreOptions(limits, durability, faults, v, openHook, readOnly, meterProvider);
  }

  public StoreOptions withOpenHook(ActorOpenHook v) {
    return new StoreOptions(limits, durability, faults, createIfMissing, v, readOnly, meterProvider);
  }

  /** Read-only (see {@link #forReading()}); a read-only open never creates a store, whatever createIfMissing says. */
  public StoreOptions withReadOnly(boolean v) {
    return new StoreOptions(limits, durability, faults, createIfMissing, openHook, v, meterProvider);
  }

  /** Where the store and its managers record metrics (see the class comment); {@link MeterProvider#noop()} by default. */
  public StoreOptions withMeterProvider(MeterProvider v) {
    return new StoreOptions(limits, durability, faults, createIfMissing, openHook, readOnly, v);
  }
}
