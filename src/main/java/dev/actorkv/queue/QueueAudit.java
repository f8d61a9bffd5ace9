package dev.actorkv.queue;

import com.google.common.io.BaseEncoding;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One prefix scan of an actor's v1 queue namespace: the metadata as stored, every message decoded, and
 * what disagrees. {@link ActorQueue#open} builds its index and rebuilds the metadata from it; the
 * {@code keyspace check} tool reports its {@link #problems()}.
 */
final class QueueAudit {
  /** A key under the message prefix that is not a valid message key. */
  public record MalformedKey(String keyHex, String problem) {}

  private final QueueCodec.Metadata metadata;
  private final boolean metadataPresent;
  private final String metadataProblem;
  private final TreeMap<Long, QueueCodec.StoredMessage> messages = new TreeMap<>(Long::compareUnsigned);
  private final TreeMap<Long, String> corrupt = new TreeMap<>(Long::compareUnsigned);
  private final List<MalformedKey> malformedKeys = new ArrayList<>();
  private long maxId;

  private QueueAudit(ActorKeyspace actor) {
    byte[] raw = actor.get(QueueKeys.metadata());
    QueueCodec.Metadata m = null;
    String problem = null;
    if (raw != null) {
      try {
        m = QueueCodec.decodeMetadata(raw);
      } catch (QueueValueException e) {
        problem = e.getMessage();
      }
    }
    this.metadataPresent = raw != null;
    this.metadata = m;
    this.metadataProblem = problem;
    try (KeyValueIterator it = actor.iterator(QueueKeys.messages(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        long id;
        try {
          id = QueueKeys.messageId(kv.key());
        } catch (KeyFormatException e) {
          malformedKeys.add(new MalformedKey(BaseEncoding.base16().lowerCase().encode(kv.key()), e.getMessage()));
          continue;
        }
        maxId = id; // keys come in id order
        try {
          messages.put(id, QueueCodec.decodeMessage(kv.value()));
        } catch (QueueValueException e) {
          corrupt.put(id, e.getMessage());
        }
      }
    }
  }

  /** Scans {@code actor}'s queue namespace (reads only). */
  public static QueueAudit scan(ActorKeyspace actor) {
    return new QueueAudit(actor);
  }

  /** The stored metadata, or null when it is missing or does not decode. */
  public QueueCodec.Metadata storedMetadata() {
    return metadata;
  }

  public boolean metadataPresent() {
    return metadataPresent;
  }

  /** Message keys present (decodable or not). */
  public long messageCount() {
    return messages.size() + corrupt.size();
  }

  /** Highest message id present, 0 when there are none. */
  public long maxId() {
    return maxId;
  }

  /** Decodable messages by id. */
  NavigableMap<Long, QueueCodec.StoredMessage> messages() {
    return Collections.unmodifiableNavigableMap(messages);
  }

  public List<CorruptMessage> corruptMessages() {
    List<CorruptMessage> out = new ArrayList<>(corrupt.size());
    corrupt.forEach((id, problem) -> out.add(new CorruptMessage(id, problem)));
    return out;
  }

  public List<MalformedKey> malformedKeys() {
    return List.copyOf(malformedKeys);
  }

  /** Why the metadata must be rebuilt, or null when it agrees with the messages. */
  public String metadataDisagreement() {
    if (metadataProblem != null) {
      return "queue metadata does not decode (" + metadataProblem + ")";
    }
    if (!metadataPresent) {
      return messageCount() == 0 ? null : "queue metadata is missing while " + messageCount() + " messages exist";
    }
    if (metadata.size() != messageCount()) {
      return "queue metadata size " + metadata.size() + " disagrees with the " + messageCount() + " messages present";
    }
    if (Long.compareUnsigned(metadata.nextId(), maxId) <= 0) {
      return "queue metadata next_id " + Long.toUnsignedString(metadata.nextId()) + " is not above the highest message id "
          + Long.toUnsignedString(maxId);
    }
    return null;
  }

  /**
   * The metadata the messages imply: size = number of messages, next id = max id + 1 (kept higher when
   * the stored one is valid and higher, so ids of deleted messages are not handed out again).
   */
  public QueueCodec.Metadata rebuiltMetadata() {
    long next = maxId + 1;
    if (next == 0) {
      next = maxId; // id space exhausted; enqueue refuses
    }
    if (metadata != null && Long.compareUnsigned(metadata.nextId(), next) > 0) {
      next = metadata.nextId();
    }
    return new QueueCodec.Metadata(next, messageCount());
  }

  /** Every invariant violation, one line each (empty when the namespace is consistent). */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    String md = metadataDisagreement();
    if (md != null) {
      out.add(md);
    }
    corrupt.forEach((id, p) -> out.add("queue message " + Long.toUnsignedString(id) + " does not decode: " + p));
    for (MalformedKey k : malformedKeys) {
      out.add("malformed queue message key " + k.keyHex() + ": " + k.problem());
    }
    return out;
  }
}
