package dev.actorkv.keyspace;

/**
 * Queue namespace, layout v1: metadata at {@code [05][01][01]}, message {@code id} at
 * {@code [05][01][02] + u64be(id)}. Ids are unsigned 64-bit and start at 1; big-endian fixed width makes
 * key order equal id order.
 */
public final class QueueKeys {
  static final byte[] PREFIX = {0x05, 0x01};
  private static final byte[] METADATA = {0x05, 0x01, 0x01};
  private static final byte[] MESSAGES = {0x05, 0x01, 0x02};
  static final int MESSAGE_KEY_LENGTH = MESSAGES.length + 8;

  private QueueKeys() {}

  public static byte[] metadata() {
    return METADATA.clone();
  }

  /** Key of message {@code id} (unsigned; 0 is not an id). */
  public static byte[] message(long id) {
    if (id == 0) {
      throw new IllegalArgumentException("queue message ids start at 1");
    }
    return Bytes.withU64(MESSAGES, id);
  }

  /** All message keys, in id order. */
  public static KeyRange messages() {
    return KeyRange.prefix(MESSAGES);
  }

  /** Message keys with id at least {@code firstId} (unsigned). */
  public static KeyRange messagesFrom(long firstId) {
    return KeyRange.of(message(firstId), KeyRange.strinc(MESSAGES));
  }

  /** The whole v1 queue namespace (metadata and messages). */
  public static KeyRange all() {
    return KeyRange.prefix(PREFIX);
  }

  /** The id of a v1 message key; anything else throws {@link KeyFormatException}. */
  public static long messageId(byte[] key) {
    return KeyDescriber.describeAs(key, KeyDescription.QueueMessage.class).id();
  }

  static KeyDescription decodeV1(byte[] key) {
    if (key.length < 3) {
      throw new KeyFormatException("queue key is truncated: missing kind byte");
    }
    return switch (key[2]) {
      case 0x01 -> {
        ActorKeys.requireLength(key, 3, "queue metadata key");
        yield new KeyDescription.QueueMetadata(1);
      }
      case 0x02 -> {
        ActorKeys.requireLength(key, MESSAGE_KEY_LENGTH, "queue message key");
        yield new KeyDescription.QueueMessage(1, checkId(Bytes.readU64(key, 3)));
      }
      default -> throw new KeyFormatException(String.format("unknown queue key kind 0x%02x", key[2] & 0xff));
    };
  }

  static long checkId(long id) {
    if (id == 0) {
      throw new KeyFormatException("queue message id 0 is invalid (ids start at 1)");
    }
    return id;
  }
}
