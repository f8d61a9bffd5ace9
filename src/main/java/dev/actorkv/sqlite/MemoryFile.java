package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.MemorySegment;
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

  /** Reads {@code dst.byteSize()} bytes at {@code offset}, zeros past the end; returns how many were in the file. */
  int read(long offset, MemorySegment dst) {
    int len = Math.toIntExact(dst.byteSize());
    dst.fill((byte) 0);
    long avail = Math.max(0, Math.min(len, size - offset));
    long end = offset + avail;
    for (long pos = offset; pos < end; ) {
      long i = pos / CHUNK;
      int within = (int) (pos - i * CHUNK);
      int n = (int) Math.min(CHUNK - within, end - pos);
      byte[] chunk = chunks.get(i);
      if (chunk != null) {
        MemorySegment.copy(chunk, within, dst, JAVA_BYTE, pos - offset, n);
      }
      pos += n;
    }
    return (int) avail;
  }

  void write(long offset, MemorySegment src) {
    long end = offset + src.byteSize();
    for (long pos = offset; pos < end; ) {
      long i = pos / CHUNK;
      int within = (int) (pos - i * CHUNK);
      int n = (int) Math.min(CHUNK - within, end - pos);
      MemorySegment.copy(src, JAVA_BYTE, pos - offset, chunks.computeIfAbsent(i, k -> new byte[CHUNK]), within, n);
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
