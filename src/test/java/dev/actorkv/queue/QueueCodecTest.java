package dev.actorkv.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class QueueCodecTest {
  @Property(tries = 300)
  void messageRoundTripsAndReencodesIdentically(@ForAll String name, @ForAll byte[] body,
      @ForAll @LongRange(min = 0) long created, @ForAll @IntRange(min = 0) int attempts, @ForAll @LongRange(min = 0) long lease,
      @ForAll boolean expects) {
    if (attempts == 0) {
      lease = 0;
    }
    QueueCodec.StoredMessage m = new QueueCodec.StoredMessage(name, body, created, attempts, lease, expects);
    byte[] enc = QueueCodec.encode(m);
    assertEquals(m, QueueCodec.decodeMessage(enc));
    assertArrayEquals(enc, QueueCodec.encode(QueueCodec.decodeMessage(enc)));
  }

  /** The hand-written encoders must write exactly what the generated protobuf classes write. */
  @Property(tries = 500)
  void encodersMatchTheGeneratedProtobufBytes(@ForAll String name, @ForAll byte[] body, @ForAll long created,
      @ForAll int attempts, @ForAll long lease, @ForAll boolean expects, @ForAll long next, @ForAll long size) {
    byte[] generated = dev.actorkv.queue.proto.QueueMessageValue.newBuilder()
        .setName(name).setBody(com.google.protobuf.ByteString.copyFrom(body)).setCreatedAtMillis(created)
        .setAttempts(attempts).setLeaseExpiresAtMillis(lease).setExpectsResponse(expects).build().toByteArray();
    assertArrayEquals(generated,
        QueueCodec.encode(new QueueCodec.StoredMessage(name, body, created, attempts, lease, expects)));
    byte[] generatedMd = dev.actorkv.queue.proto.QueueMetadataValue.newBuilder().setNextId(next).setSize(size).build().toByteArray();
    assertArrayEquals(generatedMd, QueueCodec.encode(new QueueCodec.Metadata(next, size)));
  }

  @Test
  void encodesDefaultsAsTheEmptyValue() {
    assertEquals(0, QueueCodec.encode(new QueueCodec.StoredMessage("", new byte[0], 0, 0, 0, false)).length);
    assertEquals(0, QueueCodec.encode(new QueueCodec.Metadata(0, 0)).length);
  }

  @Property(tries = 200)
  void leasingAddsAtMostTheLeaseOverhead(@ForAll String name, @ForAll byte[] body, @ForAll @LongRange(min = 0) long created,
      @ForAll boolean expects) {
    QueueCodec.StoredMessage fresh = new QueueCodec.StoredMessage(name, body, created, 0, 0, expects);
    QueueCodec.StoredMessage worst = new QueueCodec.StoredMessage(name, body, created, Integer.MAX_VALUE, Long.MAX_VALUE, expects);
    assertEquals(true, QueueCodec.encode(worst).length - QueueCodec.encode(fresh).length <= QueueCodec.LEASE_OVERHEAD);
  }

  @Property(tries = 200)
  void metadataRoundTrips(@ForAll @LongRange(min = 1) long next, @ForAll @LongRange(min = 0) long size) {
    QueueCodec.Metadata m = new QueueCodec.Metadata(next, size);
    assertEquals(m, QueueCodec.decodeMetadata(QueueCodec.encode(m)));
  }

  @Test
  void rejectsNonCanonicalAndInvalidValues() {
    byte[] md = QueueCodec.encode(new QueueCodec.Metadata(5, 2));
    byte[] trailing = Arrays.copyOf(md, md.length + 1);
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMetadata(trailing));
    // Unknown field 9 (varint 1) appended.
    byte[] unknown = Arrays.copyOf(md, md.length + 2);
    unknown[md.length] = (byte) (9 << 3);
    unknown[md.length + 1] = 1;
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMetadata(unknown));
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMetadata(QueueCodec.encode(new QueueCodec.Metadata(0, 0))));
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMetadata(new byte[] {(byte) 0xff}));
    // Fields out of order: size (2) before next_id (1).
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMetadata(new byte[] {0x10, 0x02, 0x08, 0x05}));
    // A lease without a delivery.
    byte[] leaseNoAttempt = QueueCodec.encode(new QueueCodec.StoredMessage("n", new byte[0], 1, 0, 5, false));
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMessage(leaseNoAttempt));
    // Invalid UTF-8 in the name: field 1, length 1, 0xff.
    assertThrows(QueueValueException.class, () -> QueueCodec.decodeMessage(new byte[] {0x0a, 0x01, (byte) 0xff}));
    assertThrows(QueueValueException.class,
        () -> QueueCodec.decodeMessage(QueueCodec.encode(new QueueCodec.StoredMessage("n", new byte[0], -1, 0, 0, false))));
  }
}
