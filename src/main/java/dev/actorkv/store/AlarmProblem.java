package dev.actorkv.store;

/**
 * An inconsistency between an actor's alarms and the store-wide due-time index, found by
 * {@link ActorStore#checkAlarms()}. {@code due} is the time the problem concerns (the record's or the
 * index entry's), null when unknown.
 */
public record AlarmProblem(Kind kind, String actorId, String name, java.time.Instant due, String detail) {
  /** What is wrong. */
  public enum Kind {
    /** An alarm record without its index entry: the scheduler would never find it. */
    MISSING_INDEX_ENTRY,
    /** An index entry without an alarm record (or one whose record has another due time). */
    EXTRA_INDEX_ENTRY,
    /** An alarm record that does not decode. */
    UNREADABLE_ALARM,
    /** An index entry whose key does not decode. */
    UNREADABLE_INDEX_ENTRY,
    /** An alarm of an actor that has no record (deleted, or never written). */
    ORPHAN_ALARM
  }

  private static String quote(String s) {
    return s == null ? "?" : ActorOwnedException.quote(s);
  }

  /** One line for a report. */
  public String describe() {
    return kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": actor " + quote(actorId)
        + ", alarm " + quote(name) + (due == null ? "" : ", due " + due) + (detail == null || detail.isEmpty() ? "" : ": " + detail);
  }
}
