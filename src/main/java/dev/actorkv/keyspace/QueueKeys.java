package dev.actorkv.keyspace;

/**
 * Queue namespace, layout v1: metadata at {@code [05][01][01]}, message {@code id} at
 * {@code [05][01][02] + u64be(id)}. Ids are unsigned 64-bit and start at 1; big-endian fixed width makes
 * key order equal id order. The prefixes are the {@link Layout} nodes' subspaces, taken once.
 */
public final class QueueKeys {
  private static final LayoutNode V1 = Layout.namespaceNode(Namespace.QUEUE, 1);
  static final byte[] PREFIX = V1.subspace().prefix();
  private static final byte METADATA_KIND = (byte) V1.child("metadata").rawByte();
  private static final byte MESSAGE_KIND = (byte) V1.child("message").rawByte();
  private static final byte[] METADATA = V1.child("metadata").subspace().prefix();
  private static final byte[] MESSAGES = V1.child("message").subspace().prefix();
  private static final byte[] LEGACY_METADATA = Layout.leaf(Namespace.QUEUE, 0, "metadata").subspace().prefix();
  private static final byte[] LEGACY_MESSAGES = Layout.leaf(Namespace.QUEUE, 0, "message").subspace().prefix();

  private QueueKeys() {}

  public static byte[] metadata() {
    return METADATA.clone();
  }

  /** Key of message {@code id} (unsigned; 0 is not an id). */
  public static byte[] message(long id) {
    return message(MESSAGES, id);
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
    // Once per message read: a key of exactly the v1 message shape is decoded here (its only check left is
    // the id); anything else goes through KeyDescriber, which names what the key is instead.
    if (key.length == MESSAGES.length + 8 && Bytes.startsWith(key, MESSAGES)) {
      return checkId(Bytes.readU64(key, MESSAGES.length));
    }
    return KeyDescriber.describeAs(key, KeyDescription.QueueMessage.class).id();
  }

  static byte[] metadata(int version) {
    return (version == 0 ? LEGACY_METADATA : METADATA).clone();
  }

  static byte[] message(int version, long id) {
    return message(version == 0 ? LEGACY_MESSAGES : MESSAGES, id);
  }

  private static byte[] message(byte[] prefix, long id) {
    if (id == 0) {
      throw new IllegalArgumentException("queue message ids start at 1");
    }
    return Bytes.withU64(prefix, id);
  }

  /** Decodes a key after the v1 queue prefix ({@code offset} = its length). */
  static KeyDescription decode(byte[] key, int offset, int version) {
    if (key.length <= offset) {
      throw new KeyFormatException("queue key is truncated: missing kind byte");
    }
    byte kind = key[offset];
    if (kind == METADATA_KIND) {
      ActorKeys.requireLength(key, offset + 1, "queue metadata key");
      return new KeyDescription.QueueMetadata(version);
    }
    if (kind == MESSAGE_KIND) {
      ActorKeys.requireLength(key, offset + 9, "queue message key");
      return new KeyDescription.QueueMessage(version, checkId(Bytes.readU64(key, offset + 1)));
    }
    throw new KeyFormatException(String.format("unknown queue key kind 0x%02x", kind & 0xff));
  }

  static long checkId(long id) {
    if (id == 0) {
      throw new KeyFormatException("queue message id 0 is invalid (ids start at 1)");
    }
    return id;
  }
}
