package dev.actorkv.store;

import com.google.common.annotations.VisibleForTesting;
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
  private static final int FORMAT1_NUMBER = 1;
  private static final int STORAGE_BYTES = 2;
  private static final int METADATA = 3;
  private static final int RECORD_FORMAT = 4;
  /** The actor record format written now: storage count, metadata, and this number. */
  static final int CURRENT_RECORD_FORMAT = 2;
  private static final int FORMAT_VERSION = 1;
  private static final int CREATED_BY = 2;
  private static final int FORMAT1_NUMBER_TAG = tag(FORMAT1_NUMBER, WireFormat.WIRETYPE_VARINT);
  private static final int STORAGE_BYTES_TAG = tag(STORAGE_BYTES, WireFormat.WIRETYPE_VARINT);
  private static final int METADATA_TAG = tag(METADATA, WireFormat.WIRETYPE_LENGTH_DELIMITED);
  private static final int RECORD_FORMAT_TAG = tag(RECORD_FORMAT, WireFormat.WIRETYPE_VARINT);
  private static final int FORMAT_VERSION_TAG = tag(FORMAT_VERSION, WireFormat.WIRETYPE_VARINT);
  private static final int CREATED_BY_TAG = tag(CREATED_BY, WireFormat.WIRETYPE_LENGTH_DELIMITED);

  private RecordCodec() {}

  private static int tag(int field, int wireType) {
    return field << 3 | wireType; // WireFormat.makeTag is not public
  }

  /**
   * An actor record's fields: {@code format} 0 for a format-1 record (then {@code format1Number} is its
   * field 1 and {@code metadata} null), {@link #CURRENT_RECORD_FORMAT} for one written now.
   */
  record ActorRecordValue(int format, long storageBytes, byte[] metadata, int format1Number) {}

  /** A store format record's fields. */
  record StoreFormatValue(int formatVersion, String createdBy) {}

  /** The record written now: {@code storage_bytes}, {@code metadata} when not null, {@code format} = 2. */
  static byte[] encodeActorRecord(long storageBytes, byte[] metadata) {
    int size = (storageBytes != 0 ? CodedOutputStream.computeUInt64Size(STORAGE_BYTES, storageBytes) : 0)
        + (metadata != null ? CodedOutputStream.computeByteArraySize(METADATA, metadata) : 0)
        + CodedOutputStream.computeUInt32Size(RECORD_FORMAT, CURRENT_RECORD_FORMAT);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (storageBytes != 0) {
        o.writeUInt64(STORAGE_BYTES, storageBytes);
      }
      if (metadata != null) {
        o.writeByteArray(METADATA, metadata);
      }
      o.writeUInt32(RECORD_FORMAT, CURRENT_RECORD_FORMAT);
      o.checkNoSpaceLeft();
    } catch (java.io.IOException e) { // the array was sized exactly above
      throw new IllegalStateException("actor record size miscomputed", e);
    }
    return out;
  }

  /** A format-1 record, as stores written before metadata existed hold them (for tests of reading them). */
  @VisibleForTesting
  static byte[] encodeFormat1ActorRecord(int number, long storageBytes) {
    int size = (number != 0 ? CodedOutputStream.computeUInt32Size(FORMAT1_NUMBER, number) : 0)
        + (storageBytes != 0 ? CodedOutputStream.computeUInt64Size(STORAGE_BYTES, storageBytes) : 0);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      if (number != 0) {
        o.writeUInt32(FORMAT1_NUMBER, number);
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
      int format1Number = 0;
      long storageBytes = 0;
      byte[] metadata = null;
      int format = 0;
      for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
        if (tag == FORMAT1_NUMBER_TAG) {
          format1Number = in.readUInt32();
        } else if (tag == STORAGE_BYTES_TAG) {
          storageBytes = in.readUInt64();
        } else if (tag == METADATA_TAG) {
          metadata = in.readByteArray();
        } else if (tag == RECORD_FORMAT_TAG) {
          format = in.readUInt32();
        } else if (!in.skipField(tag)) {
          break; // an end-group tag ends the message, as in the generated parser
        }
      }
      in.checkLastTagWas(0); // a stray end-group tag is an error at the top level, as in parseFrom
      return new ActorRecordValue(format, storageBytes, metadata, format1Number);
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (java.io.IOException e) { // a byte-array reader has no other I/O; kept typed all the same
      throw new InvalidProtocolBufferException(e);
    }
  }

  /**
   * The metadata a format-1 record stands for: field 1 (varint) its number, always written (0 included),
   * then field 2 (bytes) the actor's {@code FF 03} value when it has one. The store moves these two
   * values into the metadata without reading them; the layer that wrote them reads them back from there.
   */
  static byte[] format1Metadata(int number, byte[] extra) {
    int size = CodedOutputStream.computeUInt32Size(1, number)
        + (extra != null ? CodedOutputStream.computeByteArraySize(2, extra) : 0);
    byte[] out = new byte[size];
    CodedOutputStream o = CodedOutputStream.newInstance(out);
    try {
      o.writeUInt32(1, number); // explicitly, even 0: the reader must see that the record said so
      if (extra != null) {
        o.writeByteArray(2, extra);
      }
      o.checkNoSpaceLeft();
    } catch (java.io.IOException e) { // the array was sized exactly above
      throw new IllegalStateException("metadata size miscomputed", e);
    }
    return out;
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
