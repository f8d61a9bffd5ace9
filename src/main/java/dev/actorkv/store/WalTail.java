package dev.actorkv.store;

import com.google.common.annotations.VisibleForTesting;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Finds the damage RocksDB's log reader takes for a torn tail. In the last, partial 32 KiB block of a
 * write-ahead log, a record whose length reaches past the end of the file is read as the record a crash
 * cut short, and {@code TolerateCorruptedTailRecords} drops it and everything after it without a word.
 * That is right after a crash, where nothing follows; a flipped bit in a length field looks the same
 * but leaves whole, valid records behind it. So when the tail looks torn, this looks for a record with a
 * valid checksum after the cut: one means damage, which must be reported, not dropped.
 *
 * <p>Record format (RocksDB {@code db/log_format.h}): 32 KiB blocks of records, each a 7-byte header
 * (masked CRC32C of the type byte and the payload, little-endian; payload length, 2 bytes little-endian;
 * type) then the payload. Logs in the recyclable format (11-byte headers), which this store never
 * writes, are not examined.
 */
final class WalTail {
  static final int BLOCK = 32 * 1024;
  static final int HEADER = 7;
  private static final int MASK_DELTA = 0xa282ead8;

  private WalTail() {}

  /**
   * Where the damage is ("offset N: ..."), or null when the final block reads to its end, ends in a
   * plain torn record, or holds something RocksDB reports itself (a checksum mismatch).
   */
  static String damageHiddenAsTornTail(Path log) throws IOException {
    ByteBuffer tail;
    long blockStart;
    try (FileChannel c = FileChannel.open(log, StandardOpenOption.READ)) {
      long size = c.size();
      blockStart = size / BLOCK * BLOCK;
      tail = ByteBuffer.allocate((int) (size - blockStart)).order(ByteOrder.LITTLE_ENDIAN);
      while (tail.hasRemaining() && c.read(tail, blockStart + tail.position()) >= 0) {
        // read the whole final block
      }
    }
    byte[] b = tail.array();
    int p = 0;
    while (p + HEADER <= b.length) {
      int length = (b[p + 4] & 0xff) | (b[p + 5] & 0xff) << 8;
      int type = b[p + 6] & 0xff;
      if (type == 0 && length == 0) {
        return null; // zero padding: the reader stops here too
      }
      if (isRecyclable(type)) {
        return null;
      }
      if (p + HEADER + length > b.length) {
        int valid = firstValidRecordAfter(b, p + 1);
        return valid < 0 ? null
            : "offset " + (blockStart + p) + ": a record claims " + length + " bytes, past the end of the log, but a"
                + " valid record follows at offset " + (blockStart + valid) + " (damage, not a torn tail)";
      }
      if (!checksumMatches(b, p, length)) {
        return null; // RocksDB reports a checksum mismatch itself
      }
      p += HEADER + length;
    }
    return null;
  }

  /** Offsets of the records of the final block, for tests. */
  @VisibleForTesting
  static List<Long> recordOffsetsOfFinalBlock(byte[] log) {
    List<Long> out = new ArrayList<>();
    int blockStart = log.length / BLOCK * BLOCK;
    int p = blockStart;
    while (p + HEADER <= log.length) {
      int length = (log[p + 4] & 0xff) | (log[p + 5] & 0xff) << 8;
      if (p + HEADER + length > log.length || (log[p + 6] == 0 && length == 0)) {
        break;
      }
      out.add((long) p);
      p += HEADER + length;
    }
    return out;
  }

  private static int firstValidRecordAfter(byte[] b, int from) {
    for (int q = from; q + HEADER <= b.length; q++) {
      int length = (b[q + 4] & 0xff) | (b[q + 5] & 0xff) << 8;
      int type = b[q + 6] & 0xff;
      if (length > 0 && type != 0 && !isRecyclable(type) && q + HEADER + length <= b.length && checksumMatches(b, q, length)) {
        return q;
      }
    }
    return -1;
  }

  private static boolean checksumMatches(byte[] b, int p, int length) {
    int stored = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    CRC32C crc = new CRC32C();
    crc.update(b, p + 6, 1 + length); // the type byte, then the payload
    int c = (int) crc.getValue();
    return stored == ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** kRecyclableFullType..kRecyclableLastType and kRecyclableUserDefinedTimestampSizeType. */
  private static boolean isRecyclable(int type) {
    return (type >= 5 && type <= 8) || type == 11;
  }
}
