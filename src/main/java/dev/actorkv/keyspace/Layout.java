package dev.actorkv.keyspace;

import dev.actorkv.keyspace.LayoutNode.Decoder;
import dev.actorkv.keyspace.LayoutNode.Element;
import dev.actorkv.keyspace.LayoutNode.Nothing;
import dev.actorkv.keyspace.LayoutNode.Raw;
import dev.actorkv.keyspace.LayoutNode.Spec;
import dev.actorkv.keyspace.LayoutNode.Tag;
import java.util.List;

/**
 * The layout of an actor's logical keyspace as one declarative tree, in the manner of the Record Layer's
 * {@code KeySpace}: every node names the element it adds to the key. The key builders take their
 * prefixes from it (once, into static finals), {@link KeyDescriber} walks it, {@link Namespace} and the
 * {@code key describe} names are its node names, and ACTOR_KV_STRUCTURE.md shows {@link #render()}.
 * v1 namespaces sit at the top; legacy (pre-v1) keys get their own subtree, whose namespaces have the
 * names of the v1 namespaces they move to.
 */
public final class Layout {
  /** The storage version byte of layout v1, under every versioned namespace. */
  static final int V1 = 0x01;

  private static final LayoutNode ROOT = new LayoutNode(
      inner("actor", new Nothing(), "pack(actor_id)", "one actor's keyspace", List.of(
          leaf("persisted_data", raw(0x01), "", "persisted actor state", ActorKeys::decodePersistedData),
          leaf("connection", raw(0x02), " + utf8(conn_id)", "one connection's persisted state", ActorKeys::decodeConnection),
          leaf("inspector_token", raw(0x03), "", "inspector token", ActorKeys::decodeInspectorToken),
          leaf("user_kv", raw(0x04), " + user_key", "user key-value entry (user_key non-empty)", ActorKeys::decodeUserKv),
          versioned("queue", 0x05, "durable message queue", QueueKeys::decode, List.of(
              doc("metadata", raw(0x01), "", "queue metadata (next id, size)"),
              doc("message", raw(0x02), " + u64be(id)", "queue message, ids start at 1"))),
          versioned("workflow", 0x06, "workflow history and runtime state", WorkflowKeys::decode, List.of(
              doc("name", tag(1), "name_index", "name registry slot: the name as UTF-8"),
              doc("history", tag(2), "segment...",
                  "history entry at a location; segment = name index or (loop_name_index, iteration)"),
              doc("field", tag(3), "f", "field: 1 state, 2 output, 3 error, 4 input"),
              doc("entry_metadata", tag(4), "entry_id", "entry metadata, entry_id a string"))),
          versioned("traces", 0x07, "OpenTelemetry spans", TracesKeys::decode, List.of(
              doc("chunk", tag(1), "bucket_start_sec, chunk_id", "a chunk of span records"))),
          versioned("sqlite", 0x08, "SQLite database files as 4096-byte chunks", SqliteKeys::decode, List.of(
              doc("file_meta", raw(0x00), "[tag]", "file metadata: u16 LE version 1, u64 LE size; tag 0 main, 1 journal, 2 wal, 3 shm"),
              doc("chunk", raw(0x01), "[tag] + u32be(chunk_index)", "file bytes [i*4096, (i+1)*4096)"))),
          inner("legacy", new Nothing(), "", "pre-v1 layout, moved to v1 by keyspace migrate", List.of(
              inner("queue", new Nothing(), "", "legacy queue", List.of(
                  new Spec("message", raw(0x05), " + u64be(id)", "-> [05][01][02] + u64be(id)", 8,
                      (key, offset, version) -> new KeyDescription.QueueMessage(version, QueueKeys.checkId(Bytes.readU64(key, offset))),
                      List.of()),
                  new Spec("metadata", raw(0x06), "", "-> [05][01][01]", 0,
                      (key, offset, version) -> new KeyDescription.QueueMetadata(version), List.of()))),
              decoded("workflow", raw(0x07), "legacy workflow: pack(...) as v1, except fields", WorkflowKeys::decode, List.of(
                  doc("name", tag(1), "name_index", "-> [06][01] + pack(1, name_index)"),
                  doc("history", tag(2), "segment...", "-> [06][01] + pack(2, segment...)"),
                  doc("field", tag(3), "f", "1 state, 2 output, 3 error, 4 version (dropped), 5 input (-> 4)"),
                  doc("entry_metadata", tag(4), "entry_id", "-> [06][01] + pack(4, entry_id)"))),
              decoded("traces", raw(0x08), "legacy traces", TracesKeys::decode, List.of(
                  doc("chunk", tag(1), "bucket_start_sec, chunk_id", "-> [07][01] + pack(...)"))),
              decoded("sqlite", raw(0x09), "legacy SQLite", SqliteKeys::decode, List.of(
                  doc("file_meta", raw(0x00), "[tag]", "-> [08][01][00][tag]"),
                  doc("chunk", raw(0x01), "[tag] + u32be(chunk_index)", "-> [08][01][01][tag] + u32be(chunk_index)"))))))),
      List.of(), null);

  private Layout() {}

  public static LayoutNode root() {
    return ROOT;
  }

  /** The node at {@code path} (names from the root's child down, as {@link LayoutNode#path()}). */
  public static LayoutNode node(List<String> path) {
    LayoutNode n = ROOT;
    for (String p : path) {
      n = n.child(p);
    }
    return n;
  }

  static LayoutNode node(String... path) {
    return node(List.of(path));
  }

  /** The leaf of kind {@code kind} of namespace {@code ns} in layout {@code version} (0 legacy). */
  static LayoutNode leaf(Namespace ns, int version, String kind) {
    return namespaceNode(ns, version).child(kind);
  }

  /**
   * The node under which the keys of {@code ns} in layout {@code version} sit after their fixed
   * namespace bytes: {@code queue/v1}, {@code legacy/workflow}, ...
   */
  static LayoutNode namespaceNode(Namespace ns, int version) {
    return version == 0 ? ROOT.child("legacy").child(ns.layoutName()) : ns.node().child("v" + version);
  }

  /** The tree drawn with box characters, one node per line: {@code label  meaning}. */
  public static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(ROOT.label()).append("  ").append(ROOT.meaning()).append('\n');
    renderChildren(ROOT, "", sb);
    return sb.toString();
  }

  private static void renderChildren(LayoutNode n, String indent, StringBuilder sb) {
    for (int i = 0; i < n.children().size(); i++) {
      LayoutNode c = n.children().get(i);
      boolean last = i == n.children().size() - 1;
      sb.append(indent).append(last ? "└── " : "├── ").append(c.label()).append("  ").append(c.meaning()).append('\n');
      renderChildren(c, indent + (last ? "    " : "│   "), sb);
    }
  }

  // The vocabulary the tree is written in.

  private static Element raw(int b) {
    return new Raw(b);
  }

  private static Element tag(long t) {
    return new Tag(t);
  }

  /** A leaf whose keys {@code decoder} reads from the leaf's prefix on. */
  private static Spec leaf(String name, Element e, String rest, String meaning, Decoder decoder) {
    return new Spec(name, e, rest, meaning, -1, decoder, List.of());
  }

  /** A leaf that its parent's decoder reads (documentation and prefix only). */
  private static Spec doc(String name, Element e, String rest, String meaning) {
    return new Spec(name, e, rest, meaning, -1, null, List.of());
  }

  private static Spec inner(String name, Element e, String rest, String meaning, List<Spec> children) {
    return new Spec(name, e, rest, meaning, -1, null, children);
  }

  /** An inner node whose keys {@code decoder} reads from the node's prefix on. */
  private static Spec decoded(String name, Element e, String meaning, Decoder decoder, List<Spec> children) {
    return new Spec(name, e, "", meaning, -1, decoder, children);
  }

  /** A namespace byte followed by the v1 storage version byte, under which {@code decoder} reads. */
  private static Spec versioned(String name, int b, String meaning, Decoder decoder, List<Spec> children) {
    return inner(name, raw(b), "", meaning, List.of(decoded("v1", raw(V1), "storage version 1", decoder, children)));
  }
}
