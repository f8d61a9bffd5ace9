package dev.actorkv.store;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The metrics of one {@link ActorStore} and of the managers opened on it, recorded through the
 * OpenTelemetry metrics API on the {@link StoreOptions#meterProvider()} (a no-op one by default, whose
 * instruments cost a virtual call each). Every instrument is made here, by the store or by a manager
 * through {@link #component}, and listed by {@link #instruments()}: README's table of instruments is
 * checked against that list. Observable instruments stop being observed when the store closes.
 *
 * <p>Cardinality: no instrument has an actor id attribute (a store may hold millions of actors, and each
 * id would be a series of its own). Per-actor figures are sums over the actors open in this store; the
 * only attribute is {@link #ENGINE}, on the store's own instruments.
 */
public final class StoreMetrics implements AutoCloseable {
  /** The instrumentation scope every instrument is made under. */
  public static final String SCOPE = "dev.actorkv";
  /** The engine under the store: {@code rocksdb} or {@code postgresql}. */
  public static final AttributeKey<String> ENGINE = AttributeKey.stringKey("actorkv.engine");

  /** Bucket boundaries for commit durations, in seconds: 10 µs (an embedded commit) to 10 s. */
  static final List<Double> DURATION_BUCKETS = List.of(0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
      0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0);

  /** What an instrument is, as README documents it. */
  public enum Kind {
    COUNTER("counter"),
    HISTOGRAM("histogram"),
    UP_DOWN_COUNTER("updowncounter"),
    GAUGE("gauge");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name README's table uses. */
    public String label() {
      return label;
    }
  }

  /** An instrument this store made: its name, kind, unit and the attribute keys it records. */
  public record Instrument(String name, Kind kind, String unit, List<String> attributes) {}

  private final Meter meter;
  private final Attributes engine;
  private final LongCounter commits;
  private final DoubleHistogram commitDuration;
  private final LongCounter bytesWritten;
  /** By name; guarded by itself. */
  private final Map<String, Instrument> instruments = new TreeMap<>();
  /** Observable instruments, closed with the store; guarded by itself. */
  private final List<AutoCloseable> observers = new ArrayList<>();
  private final ConcurrentHashMap<Class<?>, Object> components = new ConcurrentHashMap<>();

  StoreMetrics(MeterProvider provider, String engineKind, ActorStore store, StorageEngine storageEngine) {
    this.meter = provider.get(SCOPE);
    this.engine = Attributes.of(ENGINE, engineKind);
    List<String> engineKey = List.of(ENGINE.getKey());
    this.commits = counter("actorkv.store.commits", "{commit}", engineKey,
        "Atomic writes of an actor that succeeded: commits of a batch and deletes of a whole actor.");
    this.commitDuration = meter.histogramBuilder(declare("actorkv.store.commit.duration", Kind.HISTOGRAM, "s", engineKey))
        .setUnit("s")
        .setDescription("Duration of each atomic write that succeeded, from the call to its return.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
        .build();
    this.bytesWritten = counter("actorkv.store.bytes_written", "By", engineKey,
        "Logical bytes put by the atomic writes that succeeded: key length plus value length of every put.");
    observe("actorkv.store.actor.storage", Kind.UP_DOWN_COUNTER, "By", engineKey,
        "Exact storage of the actors open in this store (logical key plus value bytes), summed.",
        m -> m.record(store.openActorStorage(), engine));
    observe("actorkv.store.actors", Kind.UP_DOWN_COUNTER, "{actor}", engineKey,
        "Actor handles open in this store.", m -> m.record(store.openActorCount(), engine));
    if (storageEngine.heldLeases() >= 0) {
      observe("actorkv.store.leases", Kind.UP_DOWN_COUNTER, "{lease}", engineKey,
          "Ownership leases of actors this store holds (PostgreSQL; renewed while held).",
          m -> m.record(Math.max(0, storageEngine.heldLeases()), engine));
    }
  }

  /** The meter every instrument of the store and its managers is made with. */
  public Meter meter() {
    return meter;
  }

  /** The {@link #ENGINE} attribute of this store. */
  public Attributes engineAttributes() {
    return engine;
  }

  /** Every instrument made so far, by name. */
  public List<Instrument> instruments() {
    synchronized (instruments) {
      return List.copyOf(instruments.values());
    }
  }

  /**
   * The one {@code type} object of this store (a manager's instruments), made by {@code create} on first
   * use: each manager makes its instruments once per store, whatever number of actors it serves.
   */
  public <T> T component(Class<T> type, Function<StoreMetrics, T> create) {
    return type.cast(components.computeIfAbsent(type, t -> create.apply(this)));
  }

  /** A counter, listed by {@link #instruments()}. */
  public LongCounter counter(String name, String unit, List<String> attributes, String description) {
    return meter.counterBuilder(declare(name, Kind.COUNTER, unit, attributes)).setUnit(unit).setDescription(description).build();
  }

  /**
   * An observable instrument ({@link Kind#UP_DOWN_COUNTER} or {@link Kind#GAUGE}) whose callback runs at
   * each collection until the store closes; listed by {@link #instruments()}.
   */
  public void observe(String name, Kind kind, String unit, List<String> attributes, String description,
      Consumer<ObservableLongMeasurement> callback) {
    declare(name, kind, unit, attributes);
    AutoCloseable handle = switch (kind) {
      case UP_DOWN_COUNTER -> meter.upDownCounterBuilder(name).setUnit(unit).setDescription(description).buildWithCallback(callback);
      case GAUGE -> meter.gaugeBuilder(name).ofLongs().setUnit(unit).setDescription(description).buildWithCallback(callback);
      default -> throw new IllegalArgumentException(kind + " is not observable");
    };
    synchronized (observers) {
      observers.add(handle);
    }
  }

  /**
   * A set of live objects (open queues, open trace managers) for an observable instrument to sum over:
   * weakly held, so that one its user never closed stops counting once it is gone.
   */
  public static <T> Set<T> liveSet() {
    return Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  }

  /** A copy of {@code live} (a {@link #liveSet()}), to observe without holding its lock. */
  public static <T> List<T> snapshot(Set<T> live) {
    synchronized (live) {
      return new ArrayList<>(live);
    }
  }

  private String declare(String name, Kind kind, String unit, List<String> attributes) {
    synchronized (instruments) {
      Instrument before = instruments.putIfAbsent(name, new Instrument(name, kind, unit, List.copyOf(attributes)));
      if (before != null) {
        throw new IllegalStateException("instrument " + name + " made twice");
      }
    }
    return name;
  }

  /** True when a commit's duration is recorded anywhere: the no-op provider's histogram is not. */
  boolean timed() {
    return commitDuration.isEnabled();
  }

  /** An atomic write that succeeded: {@code startNanos} from {@link System#nanoTime()} (when timed). */
  void committed(long startNanos, boolean timed, long putBytes) {
    commits.add(1, engine);
    if (putBytes > 0) {
      bytesWritten.add(putBytes, engine);
    }
    if (timed) {
      commitDuration.record((System.nanoTime() - startNanos) / 1e9, engine);
    }
  }

  /** Stops every observable instrument; the counters stay (they record nothing once the store is closed). */
  @Override
  public void close() {
    List<AutoCloseable> toClose;
    synchronized (observers) {
      toClose = List.copyOf(observers);
      observers.clear();
    }
    for (AutoCloseable c : toClose) {
      try {
        c.close();
      } catch (Exception e) {
        // An SDK failing to unregister a callback must not keep the store from closing.
      }
    }
  }
}
