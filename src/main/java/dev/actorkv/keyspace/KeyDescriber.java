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
  /** Where the rest of a key is decoded: a node's decoder, from the node's prefix length, as a layout version. */
  private record Target(LayoutNode.Decoder decoder, int offset, int version) {
    static Target of(LayoutNode n, int version) {
      return new Target(n.decoder(), n.subspace().prefixLength(), version);
    }

    KeyDescription decode(byte[] key) {
      return decoder.decode(key, offset, version);
    }
  }

  // The tree, indexed once by first (and second) key byte so that describing a key walks two array
  // slots instead of the node lists: describe is on the load paths of every manager.

  /** The v1 namespace node of each first byte, or null. */
  private static final LayoutNode[] V1 = new LayoutNode[256];
  /** The decoder of an unversioned v1 namespace, by first byte. */
  private static final Target[] UNVERSIONED = new Target[256];
  /** The decoder of a versioned v1 namespace's storage version, by first and second byte. */
  private static final Target[][] VERSIONS = new Target[256][];
  /** The decoder of the legacy node of each first byte, or null. */
  private static final Target[] LEGACY = new Target[256];
  /** The exact key length a legacy leaf claims, or -1 when the legacy node is a subtree. */
  private static final int[] LEGACY_LENGTH = new int[256];

  static {
    for (LayoutNode n : Layout.root().children()) {
      if (n.element() instanceof Raw r) {
        V1[r.value()] = n;
        if (n.decoder() != null) {
          UNVERSIONED[r.value()] = Target.of(n, Namespace.CURRENT_VERSION);
        } else {
          Target[] versions = new Target[256];
          for (LayoutNode v : n.children()) {
            versions[v.rawByte()] = Target.of(v, v.rawByte());
          }
          VERSIONS[r.value()] = versions;
        }
      } else {
        indexLegacy(n);
      }
    }
  }

  /** The first node under each grouping node (which adds no byte) is where a legacy key's first byte is. */
  private static void indexLegacy(LayoutNode n) {
    for (LayoutNode c : n.children()) {
      switch (c.element()) {
        case Raw r -> {
          LEGACY[r.value()] = Target.of(c, 0);
          LEGACY_LENGTH[r.value()] = c.width() >= 0 ? c.subspace().prefixLength() + c.width() : -1;
        }
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
    Target legacy = LEGACY[first];
    if (legacy != null && legacyClaims(first, key)) {
      return legacy.decode(key);
    }
    Target unversioned = UNVERSIONED[first];
    if (unversioned != null) {
      return unversioned.decode(key);
    }
    LayoutNode v1 = V1[first];
    if (v1 == null) {
      throw new KeyFormatException(String.format("unknown namespace byte 0x%02x", first));
    }
    if (key.length < 2) {
      throw new KeyFormatException(v1.name() + " key is truncated: missing version byte");
    }
    Target version = VERSIONS[first][key[1] & 0xff];
    if (version == null) {
      throw new KeyFormatException(String.format("unknown %s storage version byte 0x%02x", v1.name(), key[1] & 0xff));
    }
    return version.decode(key);
  }

  private static boolean legacyClaims(int first, byte[] key) {
    if (V1[first] == null) {
      return true;
    }
    int length = LEGACY_LENGTH[first];
    if (length >= 0) {
      return key.length == length;
    }
    return key.length < 2 || VERSIONS[first] == null || VERSIONS[first][key[1] & 0xff] == null;
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
