package dev.actorkv.queue;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The queue's namespace for tools: its metadata and messages decoded, and the queue's invariants ({@link QueueAudit}). */
public final class QueueNamespaceAudit implements NamespaceAudit {
  @Override
  public Namespace namespace() {
    return Namespace.QUEUE;
  }

  @Override
  public Object describeValue(KeyDescription key, byte[] value) {
    return switch (key) {
      case KeyDescription.QueueMetadata k -> {
        QueueCodec.Metadata m = QueueCodec.decodeMetadata(value);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("next_id", unsigned(m.nextId()));
        out.put("size", unsigned(m.size()));
        yield out;
      }
      case KeyDescription.QueueMessage k -> {
        QueueCodec.StoredMessage m = QueueCodec.decodeMessage(value);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", m.name());
        String text = utf8OrNull(m.body());
        if (text != null) {
          out.put("body", text);
        } else {
          out.put("body_hex", HexFormat.of().formatHex(m.body()));
        }
        out.put("created_at", Instant.ofEpochMilli(m.createdAtMillis()).toString());
        out.put("attempts", Integer.toUnsignedLong(m.attempts()));
        if (m.leaseExpiresAtMillis() != 0) {
          out.put("lease_expires_at", Instant.ofEpochMilli(m.leaseExpiresAtMillis()).toString());
        }
        if (m.expectsResponse()) {
          out.put("expects_response", true);
        }
        yield out;
      }
      default -> throw new IllegalArgumentException("not a queue key: " + key);
    };
  }

  @Override
  public List<String> problems(ActorKeyspace actor) {
    return QueueAudit.scan(actor).problems();
  }

  private static Object unsigned(long v) {
    return v >= 0 ? (Object) v : new BigInteger(Long.toUnsignedString(v));
  }

  private static String utf8OrNull(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
