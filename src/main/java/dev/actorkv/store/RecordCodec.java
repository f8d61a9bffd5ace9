package dev.actorkv.store;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;

/**
 * Encodes and decodes the store's two bookkeeping values ({@code store.proto}'s {@code ActorRecord} and
 * {@code StoreFormat}) with protobuf's wire-level reader and writer instead of the generated
 * messages. The bytes are exactly those of the generated messages (proto3: fields in number
 * order, zero values omitted), and decoding accepts and rejects exactly what the generated parser does
 * (unknown fields skipped, malformed input an {@link InvalidProtocolBufferException}); both are tested
 * against the generated classes. Why: the generated classes build store.proto's descriptors on first
 * use, a start-up cost every process paid at open, and the actor record is written on every commit that
 * changes an actor's size, where a builder round trip per commit is measurable.
 */
final class RecordCodec {
  // Field numbers of store.proto.
  private static final int LAYOUT_VERSION = 1;
  private static final int STORAGE_BYTES = 2;
  private static final int FORMAT_VERSION = 1;
  private static final int CREATED_BY = 2;
  private static final int LAYOUT_VERSION_TAG = tag(LAYOUT_VERSION, WireFormat.WIRETYPE_VARINT);
  private static final int STORAGE_BYTES_TAG = tag(STORAGE_BYTES, WireFormat.WIRETYPE_VARINT);
  private static final int FORMAT_VERSION_TAG = tag(FORMAT_VERSION, WireFormat.WIRETYPE_VARINT);
  private static final int CREATED_BY_TAG = tag(CREATED_BY, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  private RecordCodec() {}

  private static int tag(int field, int wireType) {
    return field << 3 | wireType; // WireFormat.makeTag is not public
  }

  /** An actor record's fields ({@code layout_version} is a uint32, {@code storage_bytes} a uint64). */
  record ActorRecordValue(int layoutVersion, long storageBytes) {}

  /** A store format record's fields. */
  record StoreFormatValue(int formatVersion, String createdBy) {}

  static byte[] encodeActorRecord(int layoutVersion, long storageBytes) {
    int size = (layoutVersion != 0 ? CodedOutputStream.computeUInt32Size(LAYOUT_VERSION, layoutVersion) : 0)
        + (storageBytes != 0 ? CodedOutputStream.computeUInt64Size(STORAGE_BYTES, storageBytes) : 0);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (layoutVersion != 0) {
        o.writeUInt32(LAYOUT_VERSION, layoutVersion);
      }
      if (storageBytes != 0) {
        o.writeUInt64(STORAGE_BYTES, storageBytes);
      }
      o.checkNoSpaceLeft();
    } catch (java.io.IOException e) { // the array was sized exactly above
      throw new IllegalStateException("actor record size miscomputed", e);
    }
    return out;
  }

  static ActorRecordValue decodeActorRecord(byte[] raw) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(raw);
      int layoutVersion = 0;
      long storageBytes = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == LAYOUT_VERSION_TAG) {
          layoutVersion = in.readUInt32();
        } else if (tag == STORAGE_BYTES_TAG) {
          storageBytes = in.readUInt64();
        } else if (!in.skipField(tag)) {
          break; // an end-group tag ends the message, as in the generated parser
        }
      }
      in.checkLastTagWas(0); // a stray end-group tag is an error at the top level, as in parseFrom
      return new ActorRecordValue(layoutVersion, storageBytes);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) { // a byte-array reader has no other I/O; kept typed all the same
      throw new InvalidProtocolBufferException(e);
    }
  }

  static byte[] encodeStoreFormat(int formatVersion, String createdBy) {
    int size = (formatVersion != 0 ? CodedOutputStream.computeUInt32Size(FORMAT_VERSION, formatVersion) : 0)
        + (!createdBy.isEmpty() ? CodedOutputStream.computeStringSize(CREATED_BY, createdBy) : 0);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (formatVersion != 0) {
        o.writeUInt32(FORMAT_VERSION, formatVersion);
      }
      if (!createdBy.isEmpty()) {
        o.writeString(CREATED_BY, createdBy);
      }
      o.checkNoSpaceLeft();
    } catch (java.io.IOException e) { // the array was sized exactly above
      throw new IllegalStateException("store format record size miscomputed", e);
    }
    return out;
  }

  static StoreFormatValue decodeStoreFormat(byte[] raw) throws InvalidProtocolBufferException {
    try {
      CodedInputStream in = CodedInputStream.newInstance(raw);
      int formatVersion = 0;
      String createdBy = "";
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == FORMAT_VERSION_TAG) {
          formatVersion = in.readUInt32();
        } else if (tag == CREATED_BY_TAG) {
          createdBy = in.readStringRequireUtf8(); // proto3 strings must be valid UTF-8
        } else if (!in.skipField(tag)) {
          break;
        }
      }
      in.checkLastTagWas(0);
      return new StoreFormatValue(formatVersion, createdBy);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) { // a byte-array reader has no other I/O; kept typed all the same
      throw new InvalidProtocolBufferException(e);
    }
  }

  /**
   * An alarm record's value under {@code FF 04} (issue 20): the due time as 8 bytes of big-endian epoch
   * milliseconds, then the payload. Not protobuf: it is read on every alarm lookup and holds nothing that
   * could grow a field.
   */
  static byte[] encodeAlarm(Alarm alarm) {
    byte[] payload = alarm.payloadShared();
    byte[] out = new byte[8 + payload.length];
    java.nio.ByteBuffer.wrap(out).putLong(alarm.dueMillis());
    System.arraycopy(payload, 0, out, 8, payload.length);
    return out;
  }

  /** Decodes {@link #encodeAlarm}; throws {@link StoreException} naming what is wrong. */
  static Alarm decodeAlarm(String name, byte[] raw) {
    if (raw.length < 8) {
      throw new StoreException("alarm record " + Alarm.quote(name) + " is " + raw.length + " bytes, shorter than its 8-byte due time");
    }
    long due = java.nio.ByteBuffer.wrap(raw).getLong();
    if (due < 0 || due > Alarm.MAX_DUE.toEpochMilli()) {
      throw new StoreException("alarm record " + Alarm.quote(name) + " has due time " + due + " ms, out of range");
    }
    try {
      return new Alarm(name, java.time.Instant.ofEpochMilli(due), java.util.Arrays.copyOfRange(raw, 8, raw.length));
    } catch (StoreException e) {
      throw new StoreException("alarm record " + Alarm.quote(name) + " is invalid: " + e.getMessage(), e);
    }
  }
}
