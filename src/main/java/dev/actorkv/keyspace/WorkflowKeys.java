package dev.actorkv.keyspace;

import dev.actorkv.tuple.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Workflow namespace, layout v1, under {@code [06][01]}: name registry {@code pack(1, index)}, history
 * {@code pack(2, segment...)}, fields {@code pack(3, field)}, entry metadata {@code pack(4, entry_id)}.
 */
public final class WorkflowKeys {
  private static final LayoutNode V1 = Layout.namespaceNode(Namespace.WORKFLOW, 1);
  static final byte[] PREFIX = V1.subspace().prefix();
  static final byte[] LEGACY_PREFIX = Layout.namespaceNode(Namespace.WORKFLOW, 0).subspace().prefix();
  static final long NAMES = V1.child("name").tag();
  static final long HISTORY = V1.child("history").tag();
  static final long FIELDS = V1.child("field").tag();
  static final long ENTRY_METADATA = V1.child("entry_metadata").tag();

  private WorkflowKeys() {}

  public static byte[] name(long index) {
    return name(PREFIX, index);
  }

  public static KeyRange names() {
    return KeyRange.prefix(Tuple.of(NAMES).packWithPrefix(PREFIX));
  }

  /** Key of the history entry at a non-root location. */
  public static byte[] history(WorkflowLocation location) {
    return history(PREFIX, location);
  }

  /**
   * The packed prefix of every history key at or under {@code location} (the begin of
   * {@link #historySubtree}), from which {@link #historyChild} builds the keys of its named children.
   */
  public static byte[] historyPrefix(WorkflowLocation location) {
    return historyPrefix(PREFIX, location);
  }

  /**
   * {@code history(location.name(nameIndex))} given {@code historyPrefix(location)}: a packed tuple is
   * its elements' encodings one after another, so only the new segment is packed (for a caller that
   * records many operations in one scope).
   */
  public static byte[] historyChild(byte[] locationPrefix, long nameIndex) {
    if (nameIndex < 0) {
      throw new IllegalArgumentException("name index must be >= 0, got " + nameIndex);
    }
    byte[] segment = Tuple.of(nameIndex).pack();
    byte[] key = java.util.Arrays.copyOf(locationPrefix, locationPrefix.length + segment.length);
    System.arraycopy(segment, 0, key, locationPrefix.length, segment.length);
    return key;
  }

  /** Every history key at or under {@code location} (the root selects all history). */
  public static KeyRange historySubtree(WorkflowLocation location) {
    return KeyRange.prefix(historyPrefix(PREFIX, location));
  }

  /**
   * The history of iterations {@code [fromIteration, toIteration)} of the loop named by
   * {@code loopNameIndex} under {@code parent}: one range, because a loop segment packs as the nested
   * tuple {@code (loop_name_index, iteration)} and tuple order is numeric order of the iteration.
   */
  public static KeyRange loopIterations(WorkflowLocation parent, long loopNameIndex, long fromIteration, long toIteration) {
    if (fromIteration < 0 || toIteration < fromIteration) {
      throw new IllegalArgumentException("bad iteration range [" + fromIteration + ", " + toIteration + ")");
    }
    return KeyRange.of(
        historyPrefix(PREFIX, parent.loop(loopNameIndex, fromIteration)),
        historyPrefix(PREFIX, parent.loop(loopNameIndex, toIteration)));
  }

  public static KeyRange history() {
    return historySubtree(WorkflowLocation.root());
  }

  public static byte[] field(WorkflowField field) {
    return field(PREFIX, 1, field);
  }

  public static KeyRange fields() {
    return KeyRange.prefix(Tuple.of(FIELDS).packWithPrefix(PREFIX));
  }

  public static byte[] entryMetadata(String entryId) {
    return entryMetadata(PREFIX, entryId);
  }

  public static KeyRange entryMetadata() {
    return KeyRange.prefix(Tuple.of(ENTRY_METADATA).packWithPrefix(PREFIX));
  }

  /** The whole v1 workflow namespace. */
  public static KeyRange all() {
    return KeyRange.prefix(PREFIX);
  }

  // Decoders for manager use: each accepts only its own kind of v1 key.

  /** The index of a v1 name registry key; decoded directly like {@link #historyLocation} (once per name on load). */
  public static long nameIndex(byte[] key) {
    Tuple t = v1Tuple(key, NAMES);
    if (t != null) {
      TupleKeys.requireSize(t, 2, "workflow name key");
      return TupleKeys.nonNegative(t, 1, "workflow name index");
    }
    return KeyDescriber.describeAs(key, KeyDescription.WorkflowName.class).index();
  }

  /**
   * The tuple after the v1 prefix when {@code key} has the v1 workflow prefix and subspace tag
   * {@code tag}, with the checks of {@link #decode} up to the tag; null when the prefix or tag differ
   * (the caller then goes through {@link KeyDescriber}, which names what the key is).
   */
  private static Tuple v1Tuple(byte[] key, long tag) {
    if (key.length > PREFIX.length && key[0] == PREFIX[0] && key[1] == PREFIX[1]) {
      Tuple t = TupleKeys.suffix(key, PREFIX.length, "workflow key");
      if (TupleKeys.nonNegative(t, 0, "workflow key subspace tag") == tag) {
        return t;
      }
    }
    return null;
  }

  /**
   * The location of a v1 history key. Called once per history entry on load, so a key with the v1
   * workflow prefix and the history tag is decoded here directly (the same strict checks as
   * {@link KeyDescriber}); anything else goes through {@link KeyDescriber#describeAs}, which names
   * what the key is instead.
   */
  public static WorkflowLocation historyLocation(byte[] key) {
    Tuple t = v1Tuple(key, HISTORY);
    if (t != null) {
      return location(t);
    }
    return KeyDescriber.describeAs(key, KeyDescription.WorkflowHistory.class).location();
  }

  public static WorkflowField fieldOf(byte[] key) {
    return KeyDescriber.describeAs(key, KeyDescription.WorkflowFieldKey.class).field();
  }

  /** The entry id of a v1 entry metadata key; decoded directly like {@link #historyLocation} (once per entry on load). */
  public static String entryId(byte[] key) {
    Tuple t = v1Tuple(key, ENTRY_METADATA);
    if (t != null) {
      TupleKeys.requireSize(t, 2, "workflow entry metadata key");
      if (!(t.get(1) instanceof String id)) {
        throw new KeyFormatException("workflow entry id must be a string, found " + TupleKeys.describe(t.get(1)));
      }
      return id;
    }
    return KeyDescriber.describeAs(key, KeyDescription.WorkflowEntryMetadata.class).entryId();
  }

  // Shared by v1 and legacy: only the prefix and the field codes differ.

  static byte[] prefix(int version) {
    return version == 0 ? LEGACY_PREFIX : PREFIX;
  }

  static byte[] name(byte[] prefix, long index) {
    if (index < 0) {
      throw new IllegalArgumentException("name index must be >= 0");
    }
    return Tuple.of(NAMES, index).packWithPrefix(prefix);
  }

  static byte[] history(byte[] prefix, WorkflowLocation location) {
    if (location.isRoot()) {
      throw new IllegalArgumentException("a history entry needs a non-empty location");
    }
    return historyPrefix(prefix, location);
  }

  static byte[] historyPrefix(byte[] prefix, WorkflowLocation location) {
    List<Object> elements = new ArrayList<>(location.depth() + 1);
    elements.add(HISTORY);
    elements.addAll(location.tupleElements());
    return Tuple.fromList(elements).packWithPrefix(prefix);
  }

  static byte[] field(byte[] prefix, int version, WorkflowField field) {
    return Tuple.of(FIELDS, field.code(version)).packWithPrefix(prefix);
  }

  static byte[] entryMetadata(byte[] prefix, String entryId) {
    return Tuple.of(ENTRY_METADATA, entryId).packWithPrefix(prefix);
  }

  /** The location in a history tuple {@code (2, segment...)}. */
  private static WorkflowLocation location(Tuple t) {
    if (t.size() < 2) {
      throw new KeyFormatException("workflow history key has an empty location");
    }
    List<WorkflowLocation.Segment> segs = new ArrayList<>(t.size() - 1);
    for (int i = 1; i < t.size(); i++) {
      Object e = t.get(i);
      if (e instanceof Tuple loop) {
        TupleKeys.requireSize(loop, 2, "workflow loop segment");
        segs.add(new WorkflowLocation.Loop(
            TupleKeys.nonNegative(loop, 0, "loop name index"), TupleKeys.nonNegative(loop, 1, "loop iteration")));
      } else if (e instanceof Long index && index >= 0) {
        segs.add(new WorkflowLocation.Name(index));
      } else {
        // Not a valid segment, so this throws; only here is the description built (was a string per
        // segment of every key).
        segs.add(new WorkflowLocation.Name(TupleKeys.nonNegative(t, i, "workflow location segment " + i)));
      }
    }
    return new WorkflowLocation(segs);
  }

  static KeyDescription decode(byte[] key, int offset, int version) {
    String what = version == 0 ? "legacy workflow key" : "workflow key";
    Tuple t = TupleKeys.suffix(key, offset, what);
    long tag = TupleKeys.nonNegative(t, 0, what + " subspace tag");
    if (tag == NAMES) {
      TupleKeys.requireSize(t, 2, "workflow name key");
      return new KeyDescription.WorkflowName(version, TupleKeys.nonNegative(t, 1, "workflow name index"));
    }
    if (tag == HISTORY) {
      return new KeyDescription.WorkflowHistory(version, location(t));
    }
    if (tag == FIELDS) {
      TupleKeys.requireSize(t, 2, "workflow field key");
      long code = TupleKeys.nonNegative(t, 1, "workflow field code");
      return new KeyDescription.WorkflowFieldKey(version, WorkflowField.fromCode(version, code));
    }
    if (tag == ENTRY_METADATA) {
      TupleKeys.requireSize(t, 2, "workflow entry metadata key");
      if (!(t.get(1) instanceof String id)) {
        throw new KeyFormatException("workflow entry id must be a string, found " + TupleKeys.describe(t.get(1)));
      }
      return new KeyDescription.WorkflowEntryMetadata(version, id);
    }
    throw new KeyFormatException("unknown workflow subspace tag " + tag);
  }
}
