package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.queue.NewMessage;
import dev.actorkv.queue.QueueAudit;
import dev.actorkv.queue.QueueCodec;
import dev.actorkv.store.ActorKeyspace;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The queue namespace for the tool: decoded metadata and messages, the queue's invariants, demo messages. */
final class QueueInspector implements NamespaceInspector {
  @Override
  public Namespace namespace() {
    return Namespace.QUEUE;
  }

  @Override
  public Object decodeValue(KeyDescription key, byte[] value) {
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
          out.put("body_hex", Hex.encode(m.body()));
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
  public void check(ActorKeyspace actor, CheckReport report) {
    for (String problem : QueueAudit.scan(actor).problems()) {
      report.problem(actor.actorId(), problem);
    }
  }

  @Override
  public void writeDemo(ActorKeyspace actor) throws Exception {
    try (ActorQueue queue = ActorQueue.open(actor)) {
      queue.enqueue("email", "welcome alice".getBytes(StandardCharsets.UTF_8));
      queue.enqueueAll(List.of(
          new NewMessage("resize", "{\"image\":\"cat.png\",\"width\":128}".getBytes(StandardCharsets.UTF_8)),
          new NewMessage("resize", "{\"image\":\"dog.png\",\"width\":256}".getBytes(StandardCharsets.UTF_8))));
      queue.enqueue("email", "welcome bob".getBytes(StandardCharsets.UTF_8));
      // One email handled and completed, one resize job in flight (leased), two waiting.
      for (Message m : queue.receiveCompletable(List.of("email"), 1, Duration.ZERO)) {
        queue.complete(m, "sent".getBytes(StandardCharsets.UTF_8));
      }
      queue.receiveCompletable(List.of("resize"), 1, Duration.ZERO);
    }
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
