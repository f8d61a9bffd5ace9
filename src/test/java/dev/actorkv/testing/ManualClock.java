package dev.actorkv.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand, in milliseconds (what leases, alarms and workflow timers store). */
public final class ManualClock implements InstantSource {
  private final AtomicLong millis;

  public ManualClock(long startMillis) {
    this.millis = new AtomicLong(startMillis);
  }

  public ManualClock(Instant start) {
    this(start.toEpochMilli());
  }

  /** Starts at 2023-11-14T22:13:20Z. */
  public ManualClock() {
    this(1_700_000_000_000L);
  }

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  public void advance(Duration d) {
    millis.addAndGet(d.toMillis());
  }

  public void set(Instant t) {
    millis.set(t.toEpochMilli());
  }
}
