package dev.actorkv.keyspace;

import dev.actorkv.keyspace.LayoutNode.Nothing;
import dev.actorkv.keyspace.LayoutNode.Raw;

/**
 * Classifies any logical key as exactly one {@link KeyDescription} (v1 or legacy), or throws
 * {@link KeyFormatException} naming what is wrong. This is the one decoder of the layout: it walks
 * {@link Layout} to the node that owns the key's first bytes and hands the rest to that node's decoder;
 * the per-namespace decoders of {@link QueueKeys}, {@link WorkflowKeys} and the others delegate here.
 *
 * <p>A first byte can belong to a v1 namespace and to a legacy node at once ({@code 05}-{@code 08}). The
 * legacy node takes the key when it is a fixed-width leaf and the key has exactly its length (the 9-byte
 * legacy queue message, the 1-byte legacy queue metadata), or when it is a subtree and the second byte
 * is no v1 storage version (legacy workflow and traces tuples never start with {@code 01}).
 */
public final class KeyDescriber {
  /** The v1 namespace node of each first byte, or null. */
  private static final LayoutNode[] V1 = new LayoutNode[256];
  /** The legacy node of each first byte, or null. */
  private static final LayoutNode[] LEGACY = new LayoutNode[256];

  static {
    for (LayoutNode n : Layout.root().children()) {
      if (n.element() instanceof Raw r) {
        V1[r.value()] = n;
      } else {
        indexLegacy(n);
      }
    }
  }

  /** The first node under each grouping node (which adds no byte) is where a legacy key's first byte is. */
  private static void indexLegacy(LayoutNode n) {
    for (LayoutNode c : n.children()) {
      switch (c.element()) {
        case Raw r -> LEGACY[r.value()] = c;
        case Nothing x -> indexLegacy(c);
        case LayoutNode.Tag t -> throw new IllegalStateException("a tuple tag at the top of " + c);
      }
    }
  }

  private KeyDescriber() {}

  public static KeyDescription describe(byte[] key) {
    if (key.length == 0) {
      throw new KeyFormatException("empty key");
    }
    int first = key[0] & 0xff;
    LayoutNode v1 = V1[first];
    LayoutNode legacy = LEGACY[first];
    if (legacy != null && (v1 == null || legacyClaims(legacy, v1, key))) {
      return legacy.decoder().decode(key, legacy.subspace().prefixLength(), 0);
    }
    if (v1 == null) {
      throw new KeyFormatException(String.format("unknown namespace byte 0x%02x", first));
    }
    if (v1.decoder() != null) {
      return v1.decoder().decode(key, v1.subspace().prefixLength(), Namespace.CURRENT_VERSION);
    }
    if (key.length < 2) {
      throw new KeyFormatException(v1.name() + " key is truncated: missing version byte");
    }
    LayoutNode version = versionNode(v1, key[1]);
    if (version == null) {
      throw new KeyFormatException(String.format("unknown %s storage version byte 0x%02x", v1.name(), key[1] & 0xff));
    }
    return version.decoder().decode(key, version.subspace().prefixLength(), version.rawByte());
  }

  private static boolean legacyClaims(LayoutNode legacy, LayoutNode v1, byte[] key) {
    if (legacy.width() >= 0) {
      return key.length == legacy.subspace().prefixLength() + legacy.width();
    }
    return key.length < 2 || versionNode(v1, key[1]) == null;
  }

  /** The storage-version child of versioned namespace {@code ns} whose byte is {@code b}, or null. */
  private static LayoutNode versionNode(LayoutNode ns, byte b) {
    for (LayoutNode c : ns.children()) {
      if (c.rawByte() == (b & 0xff)) {
        return c;
      }
    }
    return null;
  }

  /** Describes {@code key} and requires it to be a v1 key of kind {@code type}. */
  public static <T extends KeyDescription> T describeAs(byte[] key, Class<T> type) {
    KeyDescription d = describe(key);
    if (!type.isInstance(d) || d.isLegacy()) {
      throw new KeyFormatException(
          "expected a v1 " + type.getSimpleName() + " key, found " + (d.isLegacy() ? "legacy " : "") + d);
    }
    return type.cast(d);
  }
}
