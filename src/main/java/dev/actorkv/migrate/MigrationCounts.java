package dev.actorkv.migrate;

import dev.actorkv.keyspace.Namespace;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Counts per namespace (queue, workflow, traces, sqlite) of a migration. Immutable. */
public final class MigrationCounts {
  /** The namespaces the legacy layout has, in key order. */
  public static final List<Namespace> NAMESPACES =
      List.of(Namespace.QUEUE, Namespace.WORKFLOW, Namespace.TRACES, Namespace.SQLITE);

  public static final MigrationCounts ZERO = new MigrationCounts(new EnumMap<>(Namespace.class));

  private final Map<Namespace, NamespaceCounts> counts;

  private MigrationCounts(EnumMap<Namespace, NamespaceCounts> counts) {
    this.counts = Collections.unmodifiableMap(counts);
  }

  /** Counts of {@code ns}; zero for namespaces nothing happened in. */
  public NamespaceCounts of(Namespace ns) {
    return counts.getOrDefault(ns, NamespaceCounts.ZERO);
  }

  /** The sum over every namespace. */
  public NamespaceCounts total() {
    NamespaceCounts t = NamespaceCounts.ZERO;
    for (NamespaceCounts c : counts.values()) {
      t = t.plus(c);
    }
    return t;
  }

  MigrationCounts plus(Namespace ns, NamespaceCounts delta) {
    if (!NAMESPACES.contains(ns)) {
      throw new IllegalArgumentException("namespace " + ns + " has no legacy layout");
    }
    EnumMap<Namespace, NamespaceCounts> m = counts.isEmpty() ? new EnumMap<>(Namespace.class) : new EnumMap<>(counts);
    if (m.merge(ns, delta, NamespaceCounts::plus).isZero()) {
      m.remove(ns); // so that equal counts are equal maps
    }
    return new MigrationCounts(m);
  }

  /** These counts plus {@code other}'s, namespace by namespace. */
  public MigrationCounts plus(MigrationCounts other) {
    MigrationCounts out = this;
    for (Map.Entry<Namespace, NamespaceCounts> e : other.counts.entrySet()) {
      out = out.plus(e.getKey(), e.getValue());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MigrationCounts c && c.counts.equals(counts);
  }

  @Override
  public int hashCode() {
    return counts.hashCode();
  }

  @Override
  public String toString() {
    return counts.toString();
  }
}
