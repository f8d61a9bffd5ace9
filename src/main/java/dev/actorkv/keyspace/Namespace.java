package dev.actorkv.keyspace;

/** The top-level namespaces of an actor's logical keyspace (first key byte, layout v1). */
public enum Namespace {
  PERSISTED_DATA("persisted_data", 0x01, false),
  CONNECTION("connection", 0x02, false),
  INSPECTOR_TOKEN("inspector_token", 0x03, false),
  USER_KV("user_kv", 0x04, false),
  QUEUE("queue", 0x05, true),
  WORKFLOW("workflow", 0x06, true),
  TRACES("traces", 0x07, true),
  SQLITE("sqlite", 0x08, true);

  /** The storage version every versioned namespace is at in layout v1. */
  public static final int CURRENT_VERSION = 1;

  private final String jsonName;
  private final byte prefix;
  private final boolean versioned;

  Namespace(String jsonName, int prefix, boolean versioned) {
    this.jsonName = jsonName;
    this.prefix = (byte) prefix;
    this.versioned = versioned;
  }

  /** The name used in {@code key describe} objects. */
  public String jsonName() {
    return jsonName;
  }

  /** First byte of every v1 key of this namespace. */
  public byte prefixByte() {
    return prefix;
  }

  /** Whether the second key byte is a storage version (namespaces 5-8). */
  public boolean versioned() {
    return versioned;
  }

  /** The v1 subspace prefix: one byte, plus the version byte for versioned namespaces. */
  public byte[] prefix() {
    return versioned ? new byte[] {prefix, (byte) CURRENT_VERSION} : new byte[] {prefix};
  }

  /** The range holding exactly this namespace's v1 keys. */
  public KeyRange range() {
    return KeyRange.prefix(prefix());
  }

  public static Namespace fromJsonName(String name) {
    for (Namespace n : values()) {
      if (n.jsonName.equals(name)) {
        return n;
      }
    }
    throw new KeyFormatException("unknown namespace \"" + name + "\"");
  }
}
