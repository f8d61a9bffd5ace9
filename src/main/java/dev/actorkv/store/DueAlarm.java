package dev.actorkv.store;

import java.time.Instant;
import java.util.Comparator;

/**
 * One entry of the store-wide due-time index: which actor's alarm is due when. Ordered as the index is:
 * by due time, then actor id, then alarm name (ids and names by their UTF-8 bytes).
 */
public record DueAlarm(String actorId, String name, Instant due) implements Comparable<DueAlarm> {
  private static final Comparator<String> UTF8 =
      (a, b) -> java.util.Arrays.compareUnsigned(a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
          b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  /** The index order. */
  public static final Comparator<DueAlarm> ORDER =
      Comparator.comparing(DueAlarm::due).thenComparing(DueAlarm::actorId, UTF8).thenComparing(DueAlarm::name, UTF8);

  public DueAlarm {
    java.util.Objects.requireNonNull(actorId, "actorId");
    java.util.Objects.requireNonNull(name, "name");
    java.util.Objects.requireNonNull(due, "due");
  }

  @Override
  public int compareTo(DueAlarm o) {
    return ORDER.compare(this, o);
  }
}
