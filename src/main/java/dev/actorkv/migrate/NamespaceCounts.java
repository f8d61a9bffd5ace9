package dev.actorkv.migrate;

/**
 * What a migration did (or, in a dry run, would do) to one namespace's legacy keys: {@code moved} to a v1
 * key that did not exist; {@code dropped} without a v1 key (workflow field "version"); found the
 * {@code identical} value already at the v1 key; conflicts resolved by {@code keptLegacy} (overwrote the
 * v1 value) or {@code keptV1} (deleted the legacy value); {@code legacyBytes} is the key + value bytes
 * of all of those legacy entries. {@code conflicts} counts unresolved conflicts and is only ever
 * non-zero in a dry run (a real run stops on them).
 */
public record NamespaceCounts(
    long moved, long legacyBytes, long dropped, long keptLegacy, long keptV1, long identical, long conflicts) {
  public static final NamespaceCounts ZERO = new NamespaceCounts(0, 0, 0, 0, 0, 0, 0);

  /** Legacy keys counted here, whatever happened to them. */
  public long legacyKeys() {
    return moved + dropped + identical + keptLegacy + keptV1 + conflicts;
  }

  public boolean isZero() {
    return equals(ZERO);
  }

  NamespaceCounts plus(NamespaceCounts o) {
    return new NamespaceCounts(moved + o.moved, legacyBytes + o.legacyBytes, dropped + o.dropped,
        keptLegacy + o.keptLegacy, keptV1 + o.keptV1, identical + o.identical, conflicts + o.conflicts);
  }
}
