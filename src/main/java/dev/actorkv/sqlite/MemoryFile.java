package dev.actorkv.sqlite;

import java.util.Arrays;
import java.util.TreeMap;

/**
 * A file that lives only in the JVM heap, for SQLite's anonymous temporary files (sorter spills,
 * temporary tables, statement journals when temp_store is FILE). Sparse: chunks never written read as
 * zeros.
 */
final class MemoryFile {
  private static final int CHUNK = PageStore.CHUNK;
  private final TreeMap<Long, byte[]> chunks = new TreeMap<>();
  private long size;

  long size() {
    return size;
  }

  int read(long offset, byte[] dst, int dstOff, int len) {
    Arrays.fill(dst, dstOff, dstOff + len, (byte) 0);
    long avail = Math.max(0, Math.min(len, size - offset));
    long end = offset + avail;
    for (long pos = offset; pos < end; ) {
      long i = pos / CHUNK;
      int within = (int) (pos - i * CHUNK);
      int n = (int) Math.min(CHUNK - within, end - pos);
      byte[] chunk = chunks.get(i);
      if (chunk != null) {
        System.arraycopy(chunk, within, dst, dstOff + (int) (pos - offset), n);
      }
      pos += n;
    }
    return (int) avail;
  }

  void write(long offset, byte[] src, int srcOff, int len) {
    long end = offset + len;
    for (long pos = offset; pos < end; ) {
      long i = pos / CHUNK;
      int within = (int) (pos - i * CHUNK);
      int n = (int) Math.min(CHUNK - within, end - pos);
      System.arraycopy(src, srcOff + (int) (pos - offset), chunks.computeIfAbsent(i, k -> new byte[CHUNK]), within, n);
      pos += n;
    }
    size = Math.max(size, end);
  }

  void truncate(long newSize) {
    if (newSize < size) {
      chunks.tailMap(PageStore.chunkCount(newSize), true).clear();
      byte[] last = newSize % CHUNK == 0 ? null : chunks.get(newSize / CHUNK);
      if (last != null) {
        Arrays.fill(last, (int) (newSize % CHUNK), CHUNK, (byte) 0);
      }
    }
    size = newSize;
  }
}
