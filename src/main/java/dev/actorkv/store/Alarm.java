package dev.actorkv.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named, durable alarm of one actor: when it is due and a small opaque payload for whoever delivers it
 * (see {@code dev.actorkv.alarm.AlarmScheduler}). Alarms are store bookkeeping beside the actor's keys, not
 * part of its logical keyspace: they do not count towards {@link Limits#maxStorageBytes()}, and are
 * bounded instead by {@link #MAX_NAME_BYTES}, {@link #MAX_PAYLOAD_BYTES} and
 * {@link Limits#maxAlarmsPerActor()}.
 *
 * <p>The due time is kept to the millisecond (the store's precision; finer parts are truncated here, so
 * {@code alarm.due()} is what a read returns) and lies between {@link #MIN_DUE} and {@link #MAX_DUE}.
 * Two alarms are equal when name, due time and payload bytes are.
 *
 * @throws InvalidAlarmException for an empty name, a name that is not valid Unicode, or a due time out of range
 * @throws LimitExceededException for a name or payload over its limit
 */
public record Alarm(String name, Instant due, byte[] payload) {
  /** Longest name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 256;
  /** Largest payload, in bytes. */
  public static final int MAX_PAYLOAD_BYTES = 4096;
  /** Earliest due time: the epoch (the index orders due times as non-negative integers). */
  public static final Instant MIN_DUE = Instant.EPOCH;
  /** Latest due time: the last millisecond of year 9999, so every due time prints as plain ISO-8601. */
  public static final Instant MAX_DUE = Instant.parse("9999-12-31T23:59:59.999Z");

  public Alarm {
    checkName(name);
    Objects.requireNonNull(due, "due");
    Objects.requireNonNull(payload, "payload");
    if (due.isBefore(MIN_DUE) || due.isAfter(MAX_DUE)) {
      throw new InvalidAlarmException("alarm " + quote(name) + ": due time " + due + " is outside " + MIN_DUE + " .. " + MAX_DUE);
    }
    due = due.truncatedTo(ChronoUnit.MILLIS);
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new LimitExceededException(LimitExceededException.Limit.ALARM_PAYLOAD_SIZE, payload.length, MAX_PAYLOAD_BYTES);
    }
    payload = payload.clone();
  }

  /** An alarm without payload. */
  public Alarm(String name, Instant due) {
    this(name, due, new byte[0]);
  }

  /** The payload (a copy). */
  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /** The due time in milliseconds since the epoch, as the store keeps it. */
  public long dueMillis() {
    return due.toEpochMilli();
  }

  /** The same alarm due at {@code newDue}. */
  public Alarm withDue(Instant newDue) {
    return new Alarm(name, newDue, payload);
  }

  /** Payload length without a copy. */
  int payloadLength() {
    return payload.length;
  }

  /** The payload array itself, for the engines (which never change it). */
  byte[] payloadShared() {
    return payload;
  }

  /**
   * Checks an alarm name: not empty, valid Unicode (it is stored as UTF-8), at most
   * {@link #MAX_NAME_BYTES} bytes of UTF-8.
   */
  public static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new InvalidAlarmException("alarm name must not be empty");
    }
    int bytes;
    try {
      bytes = com.google.common.base.Utf8.encodedLength(name);
    } catch (IllegalArgumentException e) {
      throw new InvalidAlarmException("alarm name is not valid Unicode (an unpaired surrogate): it has no UTF-8 form");
    }
    if (bytes > MAX_NAME_BYTES) {
      throw new LimitExceededException(LimitExceededException.Limit.ALARM_NAME_SIZE, bytes, MAX_NAME_BYTES);
    }
  }

  static String quote(String name) {
    return ActorOwnedException.quote(name);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Alarm a && name.equals(a.name) && due.equals(a.due) && Arrays.equals(payload, a.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, due) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "Alarm[" + name + " due " + due + ", " + payload.length + " payload bytes]";
  }
}
