package dev.actorkv.migrate;

import com.google.common.io.BaseEncoding;
import dev.actorkv.keyspace.KeyDescription;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the migration does (or, in a dry run, would do) with one legacy key: {@code legacyKey} holding
 * {@code valueBytes} bytes, described by {@code legacy}, goes to {@code v1Key} (null when dropped).
 */
public record LegacyChange(Action action, byte[] legacyKey, KeyDescription legacy, byte[] v1Key, int valueBytes) {
  /** The kinds of change; see {@link NamespaceCounts} for their meaning. */
  public enum Action {
    MOVE("move"),
    DROP("drop"),
    IDENTICAL("identical"),
    KEEP_LEGACY("keep-legacy"),
    KEEP_V1("keep-v1"),
    CONFLICT("conflict");

    private final String label;

    Action(String label) {
      this.label = label;
    }

    /** Lower-case name for output. */
    public String label() {
      return label;
    }
  }

  public LegacyChange {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(legacy, "legacy");
    legacyKey = legacyKey.clone();
    v1Key = v1Key == null ? null : v1Key.clone();
    if ((v1Key == null) != (action == Action.DROP)) {
      throw new IllegalArgumentException("exactly the dropped keys have no v1 key");
    }
  }

  @Override
  public byte[] legacyKey() {
    return legacyKey.clone();
  }

  @Override
  public byte[] v1Key() {
    return v1Key == null ? null : v1Key.clone();
  }

  /** This change as counts (one legacy key). */
  NamespaceCounts counts() {
    long bytes = legacyKey.length + (long) valueBytes;
    return switch (action) {
      case MOVE -> new NamespaceCounts(1, bytes, 0, 0, 0, 0, 0);
      case DROP -> new NamespaceCounts(0, bytes, 1, 0, 0, 0, 0);
      case IDENTICAL -> new NamespaceCounts(0, bytes, 0, 0, 0, 1, 0);
      case KEEP_LEGACY -> new NamespaceCounts(0, bytes, 0, 1, 0, 0, 0);
      case KEEP_V1 -> new NamespaceCounts(0, bytes, 0, 0, 1, 0, 0);
      case CONFLICT -> new NamespaceCounts(0, bytes, 0, 0, 0, 0, 1);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LegacyChange c && c.action == action && Arrays.equals(c.legacyKey, legacyKey)
        && Arrays.equals(c.v1Key, v1Key) && c.valueBytes == valueBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(action, Arrays.hashCode(legacyKey), Arrays.hashCode(v1Key), valueBytes);
  }

  @Override
  public String toString() {
    BaseEncoding hex = BaseEncoding.base16().lowerCase();
    return action.label() + " " + hex.encode(legacyKey) + (v1Key == null ? "" : " -> " + hex.encode(v1Key)) + " " + legacy;
  }
}
