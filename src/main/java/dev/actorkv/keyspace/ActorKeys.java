package dev.actorkv.keyspace;

import dev.actorkv.tuple.Utf8;
import java.nio.charset.StandardCharsets;

/** Keys of the unversioned namespaces: persisted state, connections, inspector token, user KV. */
public final class ActorKeys {
  private static final byte[] PERSISTED = {0x01};
  private static final byte[] CONNECTION = {0x02};
  private static final byte[] INSPECTOR = {0x03};
  private static final byte[] USER_KV = {0x04};

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

  static KeyDescription decode(byte[] key) {
    int ns = key[0];
    return switch (ns) {
      case 0x01 -> {
        requireLength(key, 1, "persisted-state key");
        yield new KeyDescription.PersistedData();
      }
      case 0x02 -> {
        if (key.length == 1) {
          throw new KeyFormatException("connection key has an empty connection id");
        }
        int bad = Utf8.firstInvalid(key, 1, key.length);
        if (bad >= 0) {
          throw new KeyFormatException("connection id is not valid UTF-8 at byte " + bad);
        }
        yield new KeyDescription.Connection(new String(key, 1, key.length - 1, StandardCharsets.UTF_8));
      }
      case 0x03 -> {
        requireLength(key, 1, "inspector-token key");
        yield new KeyDescription.InspectorToken();
      }
      case 0x04 -> {
        if (key.length == 1) {
          throw new KeyFormatException("user KV key has an empty user key");
        }
        yield new KeyDescription.UserKv(java.util.Arrays.copyOfRange(key, 1, key.length));
      }
      default -> throw new IllegalStateException("not an unversioned namespace: " + ns);
    };
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
