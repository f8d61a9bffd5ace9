package dev.actorkv.store;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A bounded iterator over one actor's logical keys in a range, forward or reverse. Close it
 * (try-with-resources) to release the engine's resources; closing the store closes it too, after which it
 * throws {@link StoreException} instead of ending quietly. Not thread-safe: one iterator belongs to one
 * thread at a time.
 */
public final class KeyValueIterator implements Iterator<KeyValue>, AutoCloseable, ActorStore.NativeResource {
  private final ActorStore store;
  private final StorageEngine.Cursor cursor;
  private boolean closed;
  /** Set when the store's close() released this iterator under the caller's feet. */
  private volatile boolean releasedByStore;
  private boolean freed;

  /** Called inside {@code store.enter()}. */
  KeyValueIterator(ActorStore store, StorageEngine.Cursor cursor) {
    this.store = store;
    this.cursor = cursor;
    store.register(this);
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    store.enter();
    try {
      checkNotReleased();
      return cursor.valid();
    } finally {
      store.exit();
    }
  }

  @Override
  public KeyValue next() {
    if (closed) {
      throw new NoSuchElementException();
    }
    store.enter();
    try {
      checkNotReleased();
      if (!cursor.valid()) {
        throw new NoSuchElementException();
      }
      KeyValue kv = new KeyValue(cursor.key(), cursor.value());
      cursor.next();
      return kv;
    } finally {
      store.exit();
    }
  }

  /** Moves up to {@code limit} entries into {@code out} under one entry into the store. */
  void drainTo(java.util.List<KeyValue> out, int limit) {
    if (closed) {
      return;
    }
    store.enter();
    try {
      checkNotReleased();
      for (int n = 0; n < limit && cursor.valid(); n++) {
        out.add(new KeyValue(cursor.key(), cursor.value()));
        cursor.next();
      }
    } finally {
      store.exit();
    }
  }

  /**
   * Visits every remaining entry's key and value length without copying values into the JVM where the
   * engine can (nor keys, unless {@code withKeys}), under one entry into the store.
   */
  void forEachSize(boolean withKeys, StorageEngine.SizeConsumer consumer) {
    if (closed) {
      return;
    }
    store.enter();
    try {
      checkNotReleased();
      cursor.forEachSize(withKeys, consumer);
    } finally {
      store.exit();
    }
  }

  /** The next entry's logical key without its value (cheaper when only keys are needed). */
  public byte[] peekKey() {
    if (closed) {
      throw new NoSuchElementException();
    }
    store.enter();
    try {
      checkNotReleased();
      if (!cursor.valid()) {
        throw new NoSuchElementException();
      }
      return cursor.key();
    } finally {
      store.exit();
    }
  }

  private void checkNotReleased() {
    if (releasedByStore) {
      throw ActorStore.closedError();
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!store.tryEnter()) {
      return; // the store's close() released the engine's objects
    }
    try {
      store.unregister(this);
      free();
    } finally {
      store.exit();
    }
  }

  @Override
  public void releaseNative() {
    releasedByStore = true;
    free();
  }

  private synchronized void free() {
    if (!freed) {
      freed = true;
      cursor.close();
    }
  }
}
