package dev.actorkv.keyspace;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The master tree of an actor's logical keyspace, as data: the one definition that
 * ACTOR_KV_STRUCTURE.md renders (a test compares them) and that {@code keyspace dump} groups keys by.
 * v1 namespaces sit at the top; legacy (pre-v1) keys get their own subtree.
 */
public final class LayoutTree {
  /** One node: a name, the bytes it adds to the key, what it holds, and its children. */
  public record Node(String name, String bytes, String meaning, List<Node> children) {
    public Node {
      children = List.copyOf(children);
    }

    static Node leaf(String name, String bytes, String meaning) {
      return new Node(name, bytes, meaning, List.of());
    }

    public Node child(String name) {
      for (Node c : children) {
        if (c.name.equals(name)) {
          return c;
        }
      }
      throw new IllegalArgumentException("no child " + name + " under " + this.name);
    }

    /** {@code name bytes}, e.g. {@code queue [05]}. */
    public String label() {
      return bytes.isEmpty() ? name : name + " " + bytes;
    }
  }

  private static final Node ROOT = new Node("actor", "pack(actor_id)", "one actor's keyspace", List.of(
      Node.leaf("persisted_data", "[01]", "persisted actor state"),
      Node.leaf("connection", "[02] + utf8(conn_id)", "one connection's persisted state"),
      Node.leaf("inspector_token", "[03]", "inspector token"),
      Node.leaf("user_kv", "[04] + user_key", "user key-value entry (user_key non-empty)"),
      new Node("queue", "[05]", "durable message queue", List.of(
          new Node("v1", "[01]", "storage version 1", List.of(
              Node.leaf("metadata", "[01]", "queue metadata (next id, size)"),
              Node.leaf("message", "[02] + u64be(id)", "queue message, ids start at 1"))))),
      new Node("workflow", "[06]", "workflow history and runtime state", List.of(
          new Node("v1", "[01]", "storage version 1", List.of(
              Node.leaf("name", "pack(1, name_index)", "name registry slot: the name as UTF-8"),
              Node.leaf("history", "pack(2, segment...)",
                  "history entry at a location; segment = name index or (loop_name_index, iteration)"),
              Node.leaf("field", "pack(3, f)", "field: 1 state, 2 output, 3 error, 4 input"),
              Node.leaf("entry_metadata", "pack(4, entry_id)", "entry metadata, entry_id a string"))))),
      new Node("traces", "[07]", "OpenTelemetry spans", List.of(
          new Node("v1", "[01]", "storage version 1", List.of(
              Node.leaf("chunk", "pack(1, bucket_start_sec, chunk_id)", "a chunk of span records"))))),
      new Node("sqlite", "[08]", "SQLite database files as 4096-byte chunks", List.of(
          new Node("v1", "[01]", "storage version 1", List.of(
              Node.leaf("file_meta", "[00][tag]", "file metadata: u16 LE version 1, u64 LE size; tag 0 main, 1 journal, 2 wal, 3 shm"),
              Node.leaf("chunk", "[01][tag] + u32be(chunk_index)", "file bytes [i*4096, (i+1)*4096)"))))),
      new Node("legacy", "", "pre-v1 layout, moved to v1 by keyspace migrate", List.of(
          new Node("queue", "", "legacy queue", List.of(
              Node.leaf("message", "[05] + u64be(id)", "-> [05][01][02] + u64be(id)"),
              Node.leaf("metadata", "[06]", "-> [05][01][01]"))),
          new Node("workflow", "[07]", "legacy workflow: pack(...) as v1, except fields", List.of(
              Node.leaf("name", "pack(1, name_index)", "-> [06][01] + pack(1, name_index)"),
              Node.leaf("history", "pack(2, segment...)", "-> [06][01] + pack(2, segment...)"),
              Node.leaf("field", "pack(3, f)", "1 state, 2 output, 3 error, 4 version (dropped), 5 input (-> 4)"),
              Node.leaf("entry_metadata", "pack(4, entry_id)", "-> [06][01] + pack(4, entry_id)"))),
          new Node("traces", "[08]", "legacy traces", List.of(
              Node.leaf("chunk", "pack(1, bucket_start_sec, chunk_id)", "-> [07][01] + pack(...)"))),
          new Node("sqlite", "[09]", "legacy SQLite", List.of(
              Node.leaf("file_meta", "[00][tag]", "-> [08][01][00][tag]"),
              Node.leaf("chunk", "[01][tag] + u32be(chunk_index)", "-> [08][01][01][tag] + u32be(chunk_index)")))))));

  private LayoutTree() {}

  public static Node root() {
    return ROOT;
  }

  /** Names of the nodes from the root's child down to the leaf that holds {@code key}. */
  public static List<String> pathOf(KeyDescription key) {
    Map<String, Object> json = key.toJsonMap();
    List<String> path = new ArrayList<>();
    if (key.isLegacy()) {
      path.add("legacy");
    }
    path.add(key.namespace().jsonName());
    if (key.namespace().versioned()) {
      if (!key.isLegacy()) {
        path.add("v" + key.version());
      }
      path.add((String) json.get("kind"));
    }
    return path;
  }

  /** The node at {@code path} (as returned by {@link #pathOf}). */
  public static Node nodeAt(List<String> path) {
    Node n = ROOT;
    for (String p : path) {
      n = n.child(p);
    }
    return n;
  }

  /** The tree drawn with box characters, one node per line: {@code label  meaning}. */
  public static String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(ROOT.label()).append("  ").append(ROOT.meaning()).append('\n');
    renderChildren(ROOT, "", sb);
    return sb.toString();
  }

  private static void renderChildren(Node n, String indent, StringBuilder sb) {
    for (int i = 0; i < n.children().size(); i++) {
      Node c = n.children().get(i);
      boolean last = i == n.children().size() - 1;
      sb.append(indent).append(last ? "└── " : "├── ").append(c.label()).append("  ").append(c.meaning()).append('\n');
      renderChildren(c, indent + (last ? "    " : "│   "), sb);
    }
  }
}
