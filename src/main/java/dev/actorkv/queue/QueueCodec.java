package dev.actorkv.queue;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import dev.actorkv.queue.proto.QueueMessageValue;
import dev.actorkv.queue.proto.QueueMetadataValue;
import java.io.IOException;
import java.util.Arrays;

/**
 * Encodes and strictly decodes the queue's protobuf values. Decoding accepts only the canonical
 * encoding (what {@link #encode} writes): anything else, including unknown fields or trailing bytes, is a
 * {@link QueueValueException} naming the problem.
 */
public final class QueueCodec {
  /**
   * Most bytes a lease adds to a message value: attempts (tag + 5-byte varint) and lease expiry (tag +
   * 10-byte varint). The max message size plus this must fit the store's value limit.
   */
  public static final int LEASE_OVERHEAD = 1 + 5 + 1 + 10;

  /** Decoded metadata value. */
  public record Metadata(long nextId, long size) {}

  /** Decoded message value (without its id, which is in the key). */
  public record StoredMessage(
      String name, byte[] body, long createdAtMillis, int attempts, long leaseExpiresAtMillis, boolean expectsResponse) {
    StoredMessage leased(long expiresAtMillis) {
      return new StoredMessage(name, body, createdAtMillis, attempts + 1, expiresAtMillis, expectsResponse);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof StoredMessage m && name.equals(m.name) && Arrays.equals(body, m.body)
          && createdAtMillis == m.createdAtMillis && attempts == m.attempts
          && leaseExpiresAtMillis == m.leaseExpiresAtMillis && expectsResponse == m.expectsResponse;
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(body);
    }
  }

  private QueueCodec() {}

  public static byte[] encode(Metadata m) {
    // Hand-written canonical proto3 encoding (fields in number order, defaults omitted): byte-identical
    // to the generated builder's output (QueueCodecTest checks) without a builder per operation.
    int size = 0;
    if (m.nextId() != 0) {
      size += CodedOutputStream.computeUInt64Size(1, m.nextId());
    }
    if (m.size() != 0) {
      size += CodedOutputStream.computeUInt64Size(2, m.size());
    }
    byte[] out = new byte[size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      if (m.nextId() != 0) {
        cos.writeUInt64(1, m.nextId());
      }
      if (m.size() != 0) {
        cos.writeUInt64(2, m.size());
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("queue metadata size computed wrong", e);
    }
    return out;
  }

  public static Metadata decodeMetadata(byte[] value) {
    QueueMetadataValue v;
    try {
      v = QueueMetadataValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new QueueValueException("queue metadata does not decode: " + e.getMessage());
    }
    requireCanonical(value, v.toByteArray(), v.getUnknownFields(), "queue metadata");
    if (v.getNextId() == 0) {
      throw new QueueValueException("queue metadata has next_id 0 (ids start at 1)");
    }
    if (v.getSize() < 0) {
      throw new QueueValueException("queue metadata size " + Long.toUnsignedString(v.getSize()) + " is out of range");
    }
    return new Metadata(v.getNextId(), v.getSize());
  }

  public static byte[] encode(StoredMessage m) {
    // Same canonical form as the generated QueueMessageValue builder, without copying the body into a
    // ByteString and a builder (this runs on every enqueue and completable receive).
    String name = m.name();
    byte[] body = m.body();
    int size = 0;
    if (!name.isEmpty()) {
      size += CodedOutputStream.computeStringSize(1, name);
    }
    if (body.length != 0) {
      size += CodedOutputStream.computeByteArraySize(2, body);
    }
    if (m.createdAtMillis() != 0) {
      size += CodedOutputStream.computeInt64Size(3, m.createdAtMillis());
    }
    if (m.attempts() != 0) {
      size += CodedOutputStream.computeUInt32Size(4, m.attempts());
    }
    if (m.leaseExpiresAtMillis() != 0) {
      size += CodedOutputStream.computeInt64Size(5, m.leaseExpiresAtMillis());
    }
    if (m.expectsResponse()) {
      size += CodedOutputStream.computeBoolSize(6, true);
    }
    byte[] out = new byte[size];
    CodedOutputStream cos = CodedOutputStream.newInstance(out);
    try {
      if (!name.isEmpty()) {
        cos.writeString(1, name);
      }
      if (body.length != 0) {
        cos.writeByteArray(2, body);
      }
      if (m.createdAtMillis() != 0) {
        cos.writeInt64(3, m.createdAtMillis());
      }
      if (m.attempts() != 0) {
        cos.writeUInt32(4, m.attempts());
      }
      if (m.leaseExpiresAtMillis() != 0) {
        cos.writeInt64(5, m.leaseExpiresAtMillis());
      }
      if (m.expectsResponse()) {
        cos.writeBool(6, true);
      }
      cos.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("queue message size computed wrong", e);
    }
    return out;
  }

  public static StoredMessage decodeMessage(byte[] value) {
    QueueMessageValue v;
    try {
      v = QueueMessageValue.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      throw new QueueValueException("queue message does not decode: " + e.getMessage());
    }
    requireCanonical(value, v.toByteArray(), v.getUnknownFields(), "queue message");
    if (v.getCreatedAtMillis() < 0) {
      throw new QueueValueException("queue message created_at_millis " + v.getCreatedAtMillis() + " is negative");
    }
    if (v.getAttempts() < 0) {
      throw new QueueValueException("queue message attempts " + Integer.toUnsignedString(v.getAttempts()) + " is out of range");
    }
    if (v.getLeaseExpiresAtMillis() < 0) {
      throw new QueueValueException("queue message lease_expires_at_millis " + v.getLeaseExpiresAtMillis() + " is negative");
    }
    if (v.getLeaseExpiresAtMillis() != 0 && v.getAttempts() == 0) {
      throw new QueueValueException("queue message has a lease but attempts 0");
    }
    return new StoredMessage(v.getName(), v.getBody().toByteArray(), v.getCreatedAtMillis(), v.getAttempts(),
        v.getLeaseExpiresAtMillis(), v.getExpectsResponse());
  }

  private static void requireCanonical(byte[] value, byte[] reencoded, UnknownFieldSet unknown, String what) {
    if (!unknown.asMap().isEmpty()) {
      throw new QueueValueException(what + " has unknown fields " + unknown.asMap().keySet());
    }
    if (!Arrays.equals(value, reencoded)) {
      throw new QueueValueException(what + " is not in canonical encoding (" + value.length
          + " bytes, canonical form has " + reencoded.length + "): unknown fields, duplicates or trailing bytes");
    }
  }
}
