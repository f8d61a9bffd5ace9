package dev.actorkv.backup;

import dev.actorkv.store.Alarm;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreException;
import java.time.Instant;
import java.util.List;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * The engine-neutral form of one actor's entries in a backup: the magic {@code AKVBAK01}, then per
 * entry in key order a 4-byte big-endian key length, the logical key, a 4-byte big-endian value length
 * and the value, then the end marker {@code FF FF FF FF} (no key is that long, so a truncated file never
 * reads as complete). The file is named by the SHA-256 of its bytes, so an actor whose entries did not
 * change since an earlier backup has the same name and is not written again.
 *
 * <p>An actor with alarms (issue 20) has the magic {@code AKVBAK02} instead, and after the entries' end
 * marker, per alarm in name order, a 4-byte big-endian name length, the name in UTF-8, the due time as
 * 8-byte big-endian epoch milliseconds, a 4-byte big-endian payload length and the payload, then the end
 * marker again. An actor without alarms is written as before, so its file (and its name) does not change
 * and backups taken before alarms existed restore as they are.
 *
 * <p>An actor with metadata ({@code ActorKeyspace.metadata()}: the opaque record the layers above the store
 * keep beside an actor's keys, such as its layout version or an unfinished copy's marker) has the magic
 * {@code AKVBAK03}: the entries and their end marker, the alarms as in {@code AKVBAK02} (possibly none)
 * and their end marker, then a 4-byte big-endian metadata length and the metadata. Actors without
 * metadata are written as before, so their files and names do not change.
 */
final class ActorFile {
  static final byte[] MAGIC = "AKVBAK01".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MAGIC_WITH_ALARMS = "AKVBAK02".getBytes(StandardCharsets.US_ASCII);
  static final byte[] MAGIC_WITH_METADATA = "AKVBAK03".getBytes(StandardCharsets.US_ASCII);
  private static final int END = -1;
  /** No logical key or value the store accepts is near this long; a bigger length is damage. */
  private static final int MAX_LENGTH = 64 << 20;

  private ActorFile() {}

  /** Writes the entries, the alarms and the metadata (null or empty: none); returns {keys, logical bytes}. */
  static long[] write(Iterator<KeyValue> entries, List<Alarm> alarms, byte[] metadata, OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    boolean withMetadata = metadata != null && metadata.length > 0;
    data.write(withMetadata ? MAGIC_WITH_METADATA : alarms.isEmpty() ? MAGIC : MAGIC_WITH_ALARMS);
    long keys = 0;
    long bytes = 0;
    while (entries.hasNext()) {
      KeyValue kv = entries.next();
      data.writeInt(kv.key().length);
      data.write(kv.key());
      data.writeInt(kv.value().length);
      data.write(kv.value());
      keys++;
      bytes += kv.key().length + kv.value().length;
    }
    data.writeInt(END);
    if (!alarms.isEmpty() || withMetadata) {
      for (Alarm a : alarms) {
        byte[] name = a.name().getBytes(StandardCharsets.UTF_8);
        data.writeInt(name.length);
        data.write(name);
        data.writeLong(a.dueMillis());
        byte[] payload = a.payload();
        data.writeInt(payload.length);
        data.write(payload);
      }
      data.writeInt(END);
    }
    if (withMetadata) {
      data.writeInt(metadata.length);
      data.write(metadata);
    }
    data.flush();
    return new long[] {keys, bytes};
  }

  /**
   * Reads every entry of a file whose checksum was verified, in order, handing each to {@code sink},
   * each alarm to {@code alarms}, and the metadata, when the file has any, to {@code metadata}.
   *
   * @throws CorruptBackupException when the file is malformed
   */
  static void read(InputStream in, String name, Consumer<KeyValue> sink, Consumer<Alarm> alarms, Consumer<byte[]> metadata)
      throws IOException {
    DataInputStream data = new DataInputStream(in);
    try {
      byte[] magic = data.readNBytes(MAGIC.length);
      boolean withMetadata = Arrays.equals(magic, MAGIC_WITH_METADATA);
      boolean withAlarms = withMetadata || Arrays.equals(magic, MAGIC_WITH_ALARMS);
      if (!withAlarms && !Arrays.equals(magic, MAGIC)) {
        throw new CorruptBackupException("actor file " + name + " is not a backup actor file (bad magic)");
      }
      while (true) {
        int keyLength = data.readInt();
        if (keyLength == END) {
          break;
        }
        byte[] key = readBytes(data, keyLength, name);
        byte[] value = readBytes(data, data.readInt(), name);
        sink.accept(new KeyValue(key, value));
      }
      while (withAlarms) {
        int nameLength = data.readInt();
        if (nameLength == END) {
          break;
        }
        String alarmName = new String(readBytes(data, nameLength, name), StandardCharsets.UTF_8);
        long due = data.readLong();
        byte[] payload = readBytes(data, data.readInt(), name);
        try {
          alarms.accept(new Alarm(alarmName, Instant.ofEpochMilli(due), payload));
        } catch (StoreException | java.time.DateTimeException e) {
          throw new CorruptBackupException("actor file " + name + " holds a bad alarm: " + e.getMessage());
        }
      }
      if (withMetadata) {
        byte[] m = readBytes(data, data.readInt(), name);
        if (m.length == 0) {
          throw new CorruptBackupException("actor file " + name + " holds empty metadata (its magic says it has some)");
        }
        metadata.accept(m);
      }
      if (data.read() != -1) {
        throw new CorruptBackupException("actor file " + name + " has bytes after its end marker");
      }
    } catch (EOFException e) {
      throw new CorruptBackupException("actor file " + name + " is truncated");
    }
  }

  private static byte[] readBytes(DataInputStream data, int length, String name) throws IOException {
    if (length < 0 || length > MAX_LENGTH) {
      throw new CorruptBackupException("actor file " + name + " holds a bad length " + Integer.toUnsignedString(length));
    }
    byte[] b = new byte[length];
    data.readFully(b);
    return b;
  }
}
