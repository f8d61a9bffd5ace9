package dev.actorkv.testing;

import dev.actorkv.store.FaultInjector;
import dev.actorkv.store.StoreException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link FaultInjector} that fails chosen physical operations: arm it with the number of writes (or
 * reads, or syncs) to let through, and the next one throws {@link InjectedFault}.
 */
public final class FailingFaults implements FaultInjector {
  /** The error an injected fault raises. */
  public static final class InjectedFault extends StoreException {
    public InjectedFault(String what) {
      super("injected fault: " + what);
    }
  }

  private final AtomicLong writesLeft = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong readsLeft = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong syncsLeft = new AtomicLong(Long.MAX_VALUE);
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong injected = new AtomicLong();

  /** The write after the next {@code n} writes fails (n = 0: the next write fails). */
  public void failWriteAfter(long n) {
    writesLeft.set(n);
  }

  public void failReadAfter(long n) {
    readsLeft.set(n);
  }

  public void failSyncAfter(long n) {
    syncsLeft.set(n);
  }

  /** Lets every operation through again. */
  public void disarm() {
    writesLeft.set(Long.MAX_VALUE);
    readsLeft.set(Long.MAX_VALUE);
    syncsLeft.set(Long.MAX_VALUE);
  }

  /** Writes attempted so far (including failed ones). */
  public long writes() {
    return writes.get();
  }

  public long injected() {
    return injected.get();
  }

  @Override
  public void beforeWrite(String actorId, int operations) {
    writes.incrementAndGet();
    if (writesLeft.getAndDecrement() <= 0) {
      writesLeft.set(Long.MAX_VALUE);
      injected.incrementAndGet();
      throw new InjectedFault("write of " + operations + " changes for actor " + actorId);
    }
  }

  @Override
  public void beforeRead(String actorId) {
    if (readsLeft.getAndDecrement() <= 0) {
      readsLeft.set(Long.MAX_VALUE);
      injected.incrementAndGet();
      throw new InjectedFault("read for actor " + actorId);
    }
  }

  @Override
  public void beforeSync() {
    if (syncsLeft.getAndDecrement() <= 0) {
      syncsLeft.set(Long.MAX_VALUE);
      injected.incrementAndGet();
      throw new InjectedFault("sync");
    }
  }
}
