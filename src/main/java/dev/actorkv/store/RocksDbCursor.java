package dev.actorkv.store;

import dev.actorkv.keyspace.KeyRange;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;

/**
 * A RocksDB iterator over one actor's physical range. RocksDB is told the bounds, so it never reads past
 * the range.
 */
final class RocksDbCursor implements StorageEngine.Cursor {
  private final int prefixLength;
  private final Slice lower;
  private final Slice upper;
  private final ReadOptions readOptions;
  private final RocksIterator it;
  private final boolean reverse;

  RocksDbCursor(RocksDB db, Snapshot snapshot, byte[] prefix, KeyRange range, boolean reverse) {
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
  public boolean valid() {
    if (it.isValid()) {
      return true;
    }
    status();
    return false;
  }

  private void status() {
    try {
      it.status();
    } catch (RocksDBException e) {
      throw new StoreException("range read failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] key() {
    return logical(it.key());
  }

  @Override
  public byte[] value() {
    return it.value();
  }

  @Override
  public void next() {
    if (reverse) {
      it.prev();
    } else {
      it.next();
    }
  }

  private static final byte[] NO_BYTES = new byte[0];

  /** Copies no values into the JVM (nor keys, unless asked): storage counts of big ranges stay cheap. */
  @Override
  public void forEachSize(boolean withKeys, StorageEngine.SizeConsumer consumer) {
    for (; it.isValid(); next()) {
      byte[] logicalKey = withKeys ? logical(it.key()) : null;
      int keyLength = it.key(NO_BYTES) - prefixLength;
      consumer.accept(logicalKey, keyLength, it.value(NO_BYTES));
    }
    status();
  }

  private byte[] logical(byte[] physical) {
    byte[] logical = new byte[physical.length - prefixLength];
    System.arraycopy(physical, prefixLength, logical, 0, logical.length);
    return logical;
  }

  @Override
  public synchronized void close() {
    if (it.isOwningHandle()) {
      it.close();
      readOptions.close();
      lower.close();
      upper.close();
    }
  }
}
