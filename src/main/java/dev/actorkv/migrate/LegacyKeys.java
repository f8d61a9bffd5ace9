package dev.actorkv.migrate;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.keyspace.Layout;
import dev.actorkv.keyspace.LayoutNode;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Builders for the legacy (pre-v1) layout of ACTOR_KV_STRUCTURE.md section 2, for migration and tests: the
 * {@code legacy} subtree of {@link Layout}. Every legacy key differs from every v1 key by its bytes: queue
 * messages are exactly 9 bytes under {@code [05]}, queue metadata is the single byte {@code [06]}, and the
 * legacy workflow and traces tuples never start with the byte {@code 01} that follows a v1 namespace byte.
 */
public final class LegacyKeys {
  private static final LayoutNode LEGACY = Layout.root().child("legacy");
  private static final LayoutNode QUEUE_MESSAGE = LEGACY.child("queue").child("message");
  private static final LayoutNode QUEUE_METADATA = LEGACY.child("queue").child("metadata");
  /** The legacy nodes that add the first key byte, in key order. */
  private static final List<LayoutNode> FIRST_BYTE_NODES = firstByteNodes(LEGACY, new ArrayList<>());

  private LegacyKeys() {}

  public static byte[] queueMessage(long id) {
    if (id == 0) {
      throw new IllegalArgumentException("queue message ids start at 1");
    }
    return new KeyDescription.QueueMessage(0, id).encode();
  }

  public static byte[] queueMetadata() {
    return new KeyDescription.QueueMetadata(0).encode();
  }

  public static byte[] workflowName(long index) {
    return new KeyDescription.WorkflowName(0, index).encode();
  }

  public static byte[] workflowHistory(WorkflowLocation location) {
    return new KeyDescription.WorkflowHistory(0, location).encode();
  }

  public static byte[] workflowField(WorkflowField field) {
    return new KeyDescription.WorkflowFieldKey(0, field).encode();
  }

  public static byte[] workflowEntryMetadata(String entryId) {
    return new KeyDescription.WorkflowEntryMetadata(0, entryId).encode();
  }

  public static byte[] tracesChunk(long bucketStartSec, long chunkId) {
    return new KeyDescription.TracesChunk(0, bucketStartSec, chunkId).encode();
  }

  public static byte[] sqliteFileMeta(SqliteFile file) {
    return new KeyDescription.SqliteFileMeta(0, file).encode();
  }

  public static byte[] sqliteChunk(SqliteFile file, long index) {
    return new KeyDescription.SqliteChunk(0, file, index).encode();
  }

  /**
   * Ranges that can hold legacy keys. Each range also covers v1 keys of the same first byte (for example
   * {@code [07]} holds v1 traces), so callers must classify each key with {@code KeyDescriber}.
   */
  public static List<KeyRange> candidateRanges() {
    return FIRST_BYTE_NODES.stream().map(n -> n.subspace().range()).toList();
  }

  /**
   * The one contiguous range {@code [05, 0A)} that is the union of {@link #candidateRanges()}: every
   * legacy key lies in it, between v1 keys of the queue, workflow, traces and SQLite namespaces.
   */
  public static KeyRange candidateSpan() {
    return KeyRange.of(FIRST_BYTE_NODES.getFirst().subspace().prefix(), FIRST_BYTE_NODES.getLast().subspace().range().end());
  }

  /** Whether {@code key} is a legacy key (without fully validating it). */
  public static boolean isLegacy(byte[] key) {
    if (key.length == 0) {
      return false;
    }
    if (QUEUE_MESSAGE.subspace().contains(key)) {
      return key.length == 9;
    }
    if (QUEUE_METADATA.subspace().contains(key)) {
      return key.length == 1;
    }
    for (LayoutNode n : FIRST_BYTE_NODES) {
      if (n.subspace().contains(key)) {
        // Under a first byte shared with a v1 namespace, v1 keys have the version byte next.
        return !sharedWithV1(key[0]) || key.length < 2 || key[1] != Namespace.CURRENT_VERSION;
      }
    }
    return false;
  }

  private static boolean sharedWithV1(byte first) {
    for (Namespace ns : Namespace.values()) {
      if (ns.prefixByte() == first) {
        return true;
      }
    }
    return false;
  }

  private static List<LayoutNode> firstByteNodes(LayoutNode n, List<LayoutNode> out) {
    for (LayoutNode c : n.children()) {
      if (c.element() instanceof LayoutNode.Raw) {
        out.add(c);
      } else {
        firstByteNodes(c, out);
      }
    }
    out.sort((a, b) -> java.util.Arrays.compareUnsigned(a.subspace().prefix(), b.subspace().prefix()));
    return out;
  }
}
