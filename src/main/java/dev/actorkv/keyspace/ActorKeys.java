package dev.actorkv.keyspace;

import dev.actorkv.tuple.Utf8;
import java.nio.charset.StandardCharsets;

/** Keys of the unversioned namespaces: persisted state, connections, inspector token, user KV. */
public final class ActorKeys {
  private static final byte[] PERSISTED = Namespace.PERSISTED_DATA.prefix();
  private static final byte[] CONNECTION = Namespace.CONNECTION.prefix();
  private static final byte[] INSPECTOR = Namespace.INSPECTOR_TOKEN.prefix();
  private static final byte[] USER_KV = Namespace.USER_KV.prefix();

  private ActorKeys() {}

  /** {@code [01]}: the actor's persisted state. */
  public static byte[] persistedData() {
    return PERSISTED.clone();
  }

  /** {@code [02] + utf8(connId)}: one connection's persisted state. */
  public static byte[] connection(String connId) {
    if (connId.isEmpty()) {
      throw new IllegalArgumentException("connection id must not be empty");
    }
    byte[] utf8 = connId.getBytes(StandardCharsets.UTF_8);
    if (!new String(utf8, StandardCharsets.UTF_8).equals(connId)) {
      throw new IllegalArgumentException("connection id is not valid Unicode (unpaired surrogate)");
    }
    return Bytes.concat(CONNECTION, utf8);
  }

  public static KeyRange connections() {
    return KeyRange.prefix(CONNECTION);
  }

  /** {@code [03]}: the inspector token. */
  public static byte[] inspectorToken() {
    return INSPECTOR.clone();
  }

  /** {@code [04] + userKey}: a user key-value entry; the user key is non-empty. */
  public static byte[] userKv(byte[] userKey) {
    if (userKey.length == 0) {
      throw new IllegalArgumentException("user key must not be empty");
    }
    return Bytes.concat(USER_KV, userKey);
  }

  public static KeyRange userKvRange() {
    return KeyRange.prefix(USER_KV);
  }

  /** The user key of a user KV entry key. */
  public static byte[] userKey(byte[] key) {
    return KeyDescriber.describeAs(key, KeyDescription.UserKv.class).key();
  }

  // Decoders of the layout's leaves (Layout): each reads a key from its prefix length on.

  static KeyDescription decodePersistedData(byte[] key, int offset, int version) {
    requireLength(key, offset, "persisted-state key");
    return new KeyDescription.PersistedData();
  }

  static KeyDescription decodeConnection(byte[] key, int offset, int version) {
    if (key.length == offset) {
      throw new KeyFormatException("connection key has an empty connection id");
    }
    int bad = Utf8.firstInvalid(key, offset, key.length);
    if (bad >= 0) {
      throw new KeyFormatException("connection id is not valid UTF-8 at byte " + bad);
    }
    return new KeyDescription.Connection(new String(key, offset, key.length - offset, StandardCharsets.UTF_8));
  }

  static KeyDescription decodeInspectorToken(byte[] key, int offset, int version) {
    requireLength(key, offset, "inspector-token key");
    return new KeyDescription.InspectorToken();
  }

  static KeyDescription decodeUserKv(byte[] key, int offset, int version) {
    if (key.length == offset) {
      throw new KeyFormatException("user KV key has an empty user key");
    }
    return new KeyDescription.UserKv(java.util.Arrays.copyOfRange(key, offset, key.length));
  }

  static void requireLength(byte[] key, int expected, String what) {
    if (key.length > expected) {
      throw new KeyFormatException(what + " has " + (key.length - expected) + " trailing bytes");
    }
    if (key.length < expected) {
      throw new KeyFormatException(what + " is truncated: " + key.length + " bytes, expected " + expected);
    }
  }
}
