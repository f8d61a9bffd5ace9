package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One SQLite file of one actor, kept as {@link SqliteKeys#CHUNK_SIZE}-byte chunks plus a size record
 * ({@link FileMeta}). Writes and truncations are staged in memory and reach the store only on
 * {@link #commit()}, as ONE atomic batch holding every changed chunk, the deletion of chunks beyond the
 * new size and the new size. Reads see staged changes. A failed commit discards the staged changes, so
 * memory and disk agree again (both hold the last committed state).
 *
 * <p>Chunk {@code i} holds file bytes {@code [i*4096, (i+1)*4096)}; the last chunk may be shorter. A
 * chunk missing inside the file reads as zeros. When the size record is missing or does not decode, the
 * size is rebuilt from the chunk keys (last chunk index and its length, found by one reverse seek) and
 * written back with the next commit.
 *
 * <p>Not thread-safe: one SQLite connection owns it.
 */
public final class PageStore {
  static final int CHUNK = SqliteKeys.CHUNK_SIZE;

  private final ActorKeyspace actor;
  private final SqliteFile file;
  private final byte[] metaKey;
  private final SqliteMetrics metrics;

  private long committedSize;
  /** Whether the stored size record decodes and equals {@link #committedSize}. */
  private boolean metaValid;

  /** Staged chunks, each a full CHUNK-byte array (bytes past the file size are zero). */
  private final TreeMap<Long, byte[]> dirty = new TreeMap<>();
  /** Staged size. */
  private long size;
  /** Committed chunks at or after this index count as deleted (staged truncation). */
  private long deleteFrom = Long.MAX_VALUE;
  /**
   * Recently read committed chunks. SQLite pages smaller than a chunk share one chunk, and pages the
   * page cache evicted come back often; the cache follows every commit of this object. It assumes, as
   * SQLite's exclusive lock does, that nobody else writes the file's keys while it is open.
   */
  private final LinkedHashMap<Long, byte[]> clean = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
      return size() > CLEAN_CHUNKS;
    }
  };
  private static final int CLEAN_CHUNKS = 512;

  private PageStore(ActorKeyspace actor, SqliteFile file) {
    this.actor = actor;
    this.file = file;
    this.metrics = SqliteMetrics.of(actor.metrics());
    this.metaKey = SqliteKeys.fileMeta(file);
    reload();
  }

  /** Opens {@code file} of {@code actor}: reads its size record, rebuilding the size when needed. */
  public static PageStore open(ActorKeyspace actor, SqliteFile file) {
    return new PageStore(actor, file);
  }

  /**
   * Writes the size record when it is missing or does not decode (the size was rebuilt from the chunks).
   * Returns whether it wrote. Staged changes must be committed or discarded first.
   */
  public boolean repairSizeRecord() {
    if (metaValid) {
      return false;
    }
    if (hasStagedChanges()) {
      throw new IllegalStateException("commit or discard the staged changes before repairing the size record");
    }
    actor.commit(actor.batch().put(metaKey, new FileMeta(committedSize).encode()));
    metaValid = true;
    return true;
  }

  /** Drops staged changes and reads the committed size again. */
  public void reload() {
    clean.clear();
    dirty.clear();
    deleteFrom = Long.MAX_VALUE;
    byte[] raw = actor.get(metaKey);
    long s;
    boolean valid;
    if (raw == null) {
      s = scanSize(actor, file);
      valid = s == 0; // no record and no chunk: an absent file, nothing to repair
    } else {
      try {
        s = FileMeta.decode(raw).size();
        valid = true;
      } catch (PageFormatException e) {
        s = scanSize(actor, file);
        valid = false;
      }
    }
    committedSize = s;
    metaValid = valid;
    size = s;
  }

  /**
   * The file size implied by the chunk keys: index of the last chunk times 4096 plus that chunk's
   * length, 0 when there is no chunk. One bounded reverse seek, not a scan of the file.
   */
  public static long scanSize(ActorKeyspace actor, SqliteFile file) {
    KeyValue last = actor.first(SqliteKeys.chunks(file), true);
    if (last == null) {
      return 0;
    }
    long index = SqliteKeys.chunkIndex(last.key());
    checkChunkLength(index, last.value());
    return index * CHUNK + last.value().length;
  }

  /** The stored size record, or null when it is missing or does not decode. */
  static FileMeta storedMeta(ActorKeyspace actor, SqliteFile file) {
    byte[] raw = actor.get(SqliteKeys.fileMeta(file));
    if (raw == null) {
      return null;
    }
    try {
      return FileMeta.decode(raw);
    } catch (PageFormatException e) {
      return null;
    }
  }

  public SqliteFile file() {
    return file;
  }

  public ActorKeyspace actor() {
    return actor;
  }

  /** The file size, counting staged changes. */
  public long size() {
    return size;
  }

  /** The size as of the last commit. */
  public long committedSize() {
    return committedSize;
  }

  /** Whether the file has a size record or any chunk (as of the last commit). */
  public boolean exists() {
    return actor.get(metaKey) != null || actor.first(SqliteKeys.chunks(file), false) != null;
  }

  public boolean hasStagedChanges() {
    return !dirty.isEmpty() || size != committedSize || deleteFrom != Long.MAX_VALUE;
  }

  /**
   * Reads {@code len} bytes at {@code offset} into {@code dst[dstOff...]}. Bytes past the end of the file
   * are zero-filled; returns how many bytes came from the file (less than {@code len} on a short read).
   */
  public int read(long offset, byte[] dst, int dstOff, int len) {
    checkRange(offset, len);
    Objects.checkFromIndexSize(dstOff, len, dst.length);
    return read(offset, MemorySegment.ofArray(dst).asSlice(dstOff, len));
  }

  /**
   * Reads {@code dst.byteSize()} bytes at {@code offset} into {@code dst} (native memory of SQLite's, for
   * one): the same as {@link #read(long, byte[], int, int)} without a copy through the heap.
   */
  int read(long offset, MemorySegment dst) {
    int len = Math.toIntExact(dst.byteSize());
    checkRange(offset, len);
    dst.fill((byte) 0);
    long avail = Math.max(0, Math.min(len, size - offset));
    if (avail == 0) {
      return 0;
    }
    long end = offset + avail;
    long first = offset / CHUNK;
    long last = (end - 1) / CHUNK;
    if (first == last) {
      // A page of at most one chunk (the default page size): no batching to plan.
      copyOut(first, chunkToRead(first), offset, end, dst);
      return (int) avail;
    }
    List<Long> fromDisk = new ArrayList<>();
    for (long i = first; i <= last; i++) {
      if (!dirty.containsKey(i) && onDisk(i)) {
        fromDisk.add(i);
      }
    }
    Map<Long, byte[]> disk = loadCommitted(fromDisk);
    for (long i = first; i <= last; i++) {
      byte[] chunk = dirty.get(i);
      copyOut(i, chunk != null ? chunk : disk.get(i), offset, end, dst);
    }
    return (int) avail;
  }

  /** The staged or committed bytes of chunk {@code index}, or null when it reads as zeros. */
  private byte[] chunkToRead(long index) {
    byte[] chunk = dirty.get(index);
    if (chunk == null && onDisk(index)) {
      chunk = committedChunk(index);
    }
    return chunk;
  }

  /**
   * Copies the part of chunk {@code index} inside file range [offset, end) to {@code dst}, which starts at
   * {@code offset}. A null chunk is a hole (zeros, already there); a stored chunk may be shorter than
   * CHUNK, a staged one is full length with zeros past the file size.
   */
  private static void copyOut(long index, byte[] chunk, long offset, long end, MemorySegment dst) {
    if (chunk == null) {
      return;
    }
    long chunkStart = index * CHUNK;
    long from = Math.max(offset, chunkStart);
    long to = Math.min(end, chunkStart + chunk.length);
    if (to > from) {
      MemorySegment.copy(chunk, (int) (from - chunkStart), dst, JAVA_BYTE, from - offset, (int) (to - from));
    }
  }

  /** Stages a write of {@code src[srcOff, srcOff+len)} at {@code offset}, growing the file as needed. */
  public void write(long offset, byte[] src, int srcOff, int len) {
    checkRange(offset, len);
    Objects.checkFromIndexSize(srcOff, len, src.length);
    write(offset, MemorySegment.ofArray(src).asSlice(srcOff, len));
  }

  /** Stages a write of all of {@code src} at {@code offset}: {@link #write(long, byte[], int, int)} from any memory. */
  void write(long offset, MemorySegment src) {
    int len = Math.toIntExact(src.byteSize());
    checkRange(offset, len);
    if (len == 0) {
      return;
    }
    long end = offset + len;
    if (end > size) {
      extendTo(end);
    }
    for (long i = offset / CHUNK; i <= (end - 1) / CHUNK; i++) {
      long chunkStart = i * CHUNK;
      long from = Math.max(offset, chunkStart);
      long to = Math.min(end, chunkStart + CHUNK);
      // A chunk the write replaces whole needs none of its old bytes: no read of the stored chunk.
      byte[] chunk = to - from == CHUNK ? chunkToOverwrite(i) : chunkForWrite(i);
      MemorySegment.copy(src, JAVA_BYTE, from - offset, chunk, (int) (from - chunkStart), (int) (to - from));
    }
  }

  /** Stages a new size: chunks past it are dropped (at commit, in the same batch as the size). */
  public void truncate(long newSize) {
    checkRange(newSize, 0);
    if (newSize > size) {
      extendTo(newSize);
      return;
    }
    if (newSize == size) {
      return;
    }
    long keep = chunkCount(newSize);
    if (newSize > 0) {
      // The new last chunk is (re)written: it may be a hole, and the size is rebuilt from it. Its tail
      // past the new size must read as zeros if the file grows again.
      byte[] chunk = chunkForWrite(keep - 1);
      Arrays.fill(chunk, (int) (newSize - (keep - 1) * CHUNK), CHUNK, (byte) 0);
    }
    dirty.tailMap(keep, true).clear();
    deleteFrom = Math.min(deleteFrom, keep);
    size = newSize;
  }

  /**
   * Writes every staged change as ONE batch: changed chunks, deletion of chunks past the new size and
   * the size record. On failure the staged changes are discarded (the store holds the last committed
   * state, and so does this object) and the error is rethrown.
   */
  public void commit() {
    if (!hasStagedChanges() && metaValid) {
      return;
    }
    ActorBatch batch = actor.batch();
    long committedChunks = chunkCount(committedSize);
    if (deleteFrom < committedChunks) {
      batch.deleteRange(SqliteKeys.chunksFrom(file, deleteFrom));
    }
    long chunks = chunkCount(size);
    for (Map.Entry<Long, byte[]> e : dirty.headMap(chunks, false).entrySet()) {
      long i = e.getKey();
      int len = (int) Math.min(CHUNK, size - i * CHUNK);
      batch.put(SqliteKeys.chunk(file, i), len == CHUNK ? e.getValue() : Arrays.copyOf(e.getValue(), len));
    }
    if (size != committedSize || !metaValid) {
      batch.put(metaKey, new FileMeta(size).encode());
    }
    try {
      actor.commit(batch);
    } catch (RuntimeException e) {
      discard();
      throw e;
    }
    metrics.committed(file);
    if (deleteFrom != Long.MAX_VALUE) {
      clean.keySet().removeIf(i -> i >= deleteFrom);
    }
    for (Map.Entry<Long, byte[]> e : dirty.headMap(chunks, false).entrySet()) {
      // The staged arrays become the committed ones: dirty is cleared below and a later write stages a
      // fresh copy (chunkForWrite), so no array is shared between the two maps.
      long i = e.getKey();
      int len = (int) Math.min(CHUNK, size - i * CHUNK);
      clean.put(i, len == CHUNK ? e.getValue() : Arrays.copyOf(e.getValue(), len));
    }
    committedSize = size;
    metaValid = true;
    dirty.clear();
    deleteFrom = Long.MAX_VALUE;
  }

  /** Drops staged changes; the file reads as of the last commit again. */
  public void discard() {
    dirty.clear();
    deleteFrom = Long.MAX_VALUE;
    size = committedSize;
  }

  /** Deletes the file (every chunk and the size record) in one batch, dropping staged changes. */
  public void deleteFile() {
    actor.commit(actor.batch().deleteRange(SqliteKeys.chunks(file)).delete(metaKey));
    clean.clear();
    dirty.clear();
    deleteFrom = Long.MAX_VALUE;
    committedSize = 0;
    size = 0;
    metaValid = false;
  }

  // ------------------------------------------------------------------ internals

  private void extendTo(long newSize) {
    if (size % CHUNK != 0) {
      // The old last chunk becomes interior (or grows): rewrite it full length, zero-padded.
      chunkForWrite(size / CHUNK);
    }
    size = newSize;
    chunkForWrite((newSize - 1) / CHUNK); // the last chunk must exist so the size can be rebuilt
  }

  private boolean onDisk(long index) {
    return index < deleteFrom && index * CHUNK < committedSize;
  }

  /** The staged array of chunk {@code index} when every byte of it is about to be written. */
  private byte[] chunkToOverwrite(long index) {
    byte[] chunk = dirty.get(index);
    if (chunk == null) {
      chunk = new byte[CHUNK];
      dirty.put(index, chunk);
    }
    return chunk;
  }

  private byte[] chunkForWrite(long index) {
    byte[] chunk = dirty.get(index);
    if (chunk != null) {
      return chunk;
    }
    chunk = new byte[CHUNK];
    if (onDisk(index)) {
      byte[] stored = committedChunk(index);
      if (stored != null) {
        int valid = (int) Math.min(stored.length, Math.min(committedSize, size) - index * CHUNK);
        if (valid > 0) {
          System.arraycopy(stored, 0, chunk, 0, valid);
        }
      }
    }
    dirty.put(index, chunk);
    return chunk;
  }

  /** A committed chunk (cached or read), or null for a hole. The array is shared: do not modify it. */
  private byte[] committedChunk(long index) {
    actor.checkUsable(); // the cache is only this owner's view: a taken-over actor answers nothing from it
    byte[] v = clean.get(index);
    if (v == null) {
      v = actor.get(SqliteKeys.chunk(file, index));
      if (v != null) {
        checkChunkLength(index, v);
        clean.put(index, v);
      }
    }
    return v;
  }

  private Map<Long, byte[]> loadCommitted(List<Long> indices) {
    actor.checkUsable();
    Map<Long, byte[]> out = new TreeMap<>();
    List<Long> missing = new ArrayList<>();
    for (long i : indices) {
      byte[] v = clean.get(i);
      if (v != null) {
        out.put(i, v);
      } else {
        missing.add(i);
      }
    }
    if (missing.size() == 1) {
      byte[] v = committedChunk(missing.getFirst());
      if (v != null) {
        out.put(missing.getFirst(), v);
      }
    } else if (!missing.isEmpty()) {
      List<byte[]> keys = new ArrayList<>(missing.size());
      for (long i : missing) {
        keys.add(SqliteKeys.chunk(file, i));
      }
      List<byte[]> values = actor.multiGet(keys);
      for (int k = 0; k < missing.size(); k++) {
        byte[] v = values.get(k);
        if (v != null) {
          checkChunkLength(missing.get(k), v);
          clean.put(missing.get(k), v);
          out.put(missing.get(k), v);
        }
      }
    }
    return out;
  }

  private static void checkChunkLength(long index, byte[] value) {
    if (value.length > CHUNK || value.length == 0) {
      throw new PageFormatException("SQLite chunk " + index + " has " + value.length + " bytes; chunks hold 1.." + CHUNK);
    }
  }

  private static void checkRange(long offset, long len) {
    if (offset < 0 || len < 0) {
      throw new IllegalArgumentException("negative file offset or length: " + offset + ", " + len);
    }
    if (offset + len > (SqliteKeys.MAX_CHUNK_INDEX + 1) * CHUNK) {
      throw new IllegalArgumentException("file offset " + (offset + len) + " is past the largest SQLite file the layout holds");
    }
  }

  static long chunkCount(long size) {
    return (size + CHUNK - 1) / CHUNK;
  }
}
