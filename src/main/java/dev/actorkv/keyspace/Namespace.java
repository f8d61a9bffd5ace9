package dev.actorkv.keyspace;

/**
 * The top-level namespaces of an actor's logical keyspace (layout v1): each is a child of the
 * {@link Layout} root, whose first key byte and versioning come from the tree.
 */
public enum Namespace {
  PERSISTED_DATA("persisted_data"),
  CONNECTION("connection"),
  INSPECTOR_TOKEN("inspector_token"),
  USER_KV("user_kv"),
  QUEUE("queue"),
  WORKFLOW("workflow"),
  TRACES("traces"),
  SQLITE("sqlite");

  /** The storage version every versioned namespace is at in layout v1. */
  public static final int CURRENT_VERSION = Layout.V1;

  private final String layoutName;
  private final byte prefix;
  private final boolean versioned;
  private final byte[] v1Prefix;

  Namespace(String layoutName) {
    LayoutNode node = Layout.root().child(layoutName);
    this.layoutName = layoutName;
    this.prefix = (byte) node.rawByte();
    this.versioned = !node.isLeaf();
    this.v1Prefix = (versioned ? node.child("v" + CURRENT_VERSION) : node).subspace().prefix();
  }

  /** The name of this namespace's node in {@link Layout} (the top-level names of ACTOR_KV_STRUCTURE.md). */
  public String layoutName() {
    return layoutName;
  }

  /** This namespace's node in {@link Layout}. */
  public LayoutNode node() {
    return Layout.root().child(layoutName);
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
    return v1Prefix.clone();
  }

  /** The range holding exactly this namespace's v1 keys. */
  public KeyRange range() {
    return KeyRange.prefix(v1Prefix);
  }
}
