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
 * bounds, so it never reads past the range. Close it (try-with-resources) to release native resources.
 */
public final class KeyValueIterator implements Iterator<KeyValue>, AutoCloseable {
  private final int prefixLength;
  private final Slice lower;
  private final Slice upper;
  private final ReadOptions readOptions;
  private final RocksIterator it;
  private final boolean reverse;
  private boolean closed;

  KeyValueIterator(RocksDB db, Snapshot snapshot, byte[] prefix, KeyRange range, boolean reverse) {
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
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (!it.isValid()) {
      try {
        it.status();
      } catch (RocksDBException e) {
        throw new StoreException("range read failed: " + e.getMessage(), e);
      }
      return false;
    }
    return true;
  }

  @Override
  public KeyValue next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    byte[] physical = it.key();
    byte[] logical = new byte[physical.length - prefixLength];
    System.arraycopy(physical, prefixLength, logical, 0, logical.length);
    KeyValue kv = new KeyValue(logical, it.value());
    if (reverse) {
      it.prev();
    } else {
      it.next();
    }
    return kv;
  }

  /** The next entry's logical key without its value (cheaper when only keys are needed). */
  public byte[] peekKey() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    byte[] physical = it.key();
    byte[] logical = new byte[physical.length - prefixLength];
    System.arraycopy(physical, prefixLength, logical, 0, logical.length);
    return logical;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      it.close();
      readOptions.close();
      lower.close();
      upper.close();
    }
  }
}
