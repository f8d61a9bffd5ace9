package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * A bounded iterator over one actor's logical keys in a range, forward or reverse. RocksDB is told the
 * bounds, so it never reads past the range. Close it (try-with-resources) to release native resources;
 * closing the store closes it too, after which it throws {@link StoreException} instead of ending
 * quietly. Not thread-safe: one iterator belongs to one thread at a time.
 */
public final class KeyValueIterator implements Iterator<KeyValue>, AutoCloseable, ActorStore.NativeResource {
  private final ActorStore store;
  private final int prefixLength;
  private final Slice lower;
  private final Slice upper;
  private final ReadOptions readOptions;
  private final RocksIterator it;
  private final boolean reverse;
  private boolean closed;
  /** Set when the store's close() released this iterator under the caller's feet. */
  private volatile boolean releasedByStore;

  /** Called inside {@code store.enter()}. */
  KeyValueIterator(ActorStore store, RocksDB db, Snapshot snapshot, byte[] prefix, KeyRange range, boolean reverse) {
    this.store = store;
    this.prefixLength = prefix.length;
    this.reverse = reverse;
    byte[] begin = PhysicalKeys.begin(prefix, range);
    byte[] end = PhysicalKeys.end(prefix, range);
    this.lower = new Slice(begin);
    this.upper = new Slice(end);
    this.readOptions = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
    if (snapshot != null) {
      readOptions.setSnapshot(snapshot);
    }
    this.it = db.newIterator(readOptions);
    if (reverse) {
      it.seekToLast();
    } else {
      it.seekToFirst();
    }
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
      if (!it.isValid()) {
        it.status();
        return false;
      }
      return true;
    } catch (RocksDBException e) {
      throw new StoreException("range read failed: " + e.getMessage(), e);
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
      if (!it.isValid()) {
        it.status();
        throw new NoSuchElementException();
      }
      KeyValue kv = new KeyValue(logical(it.key()), it.value());
      if (reverse) {
        it.prev();
      } else {
        it.next();
      }
      return kv;
    } catch (RocksDBException e) {
      throw new StoreException("range read failed: " + e.getMessage(), e);
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
      for (int n = 0; n < limit && it.isValid(); n++) {
        out.add(new KeyValue(logical(it.key()), it.value()));
        if (reverse) {
          it.prev();
        } else {
          it.next();
        }
      }
      if (!it.isValid()) {
        it.status();
      }
    } catch (RocksDBException e) {
      throw new StoreException("range read failed: " + e.getMessage(), e);
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
      if (!it.isValid()) {
        throw new NoSuchElementException();
      }
      return logical(it.key());
    } finally {
      store.exit();
    }
  }

  private byte[] logical(byte[] physical) {
    byte[] logical = new byte[physical.length - prefixLength];
    System.arraycopy(physical, prefixLength, logical, 0, logical.length);
    return logical;
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
      return; // the store's close() released the native objects
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
    if (it.isOwningHandle()) {
      it.close();
      readOptions.close();
      lower.close();
      upper.close();
    }
  }
}
