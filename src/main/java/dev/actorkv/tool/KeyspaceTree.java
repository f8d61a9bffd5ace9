package dev.actorkv.tool;

import dev.actorkv.keyspace.Layout;
import dev.actorkv.keyspace.LayoutNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One actor's keys grouped by the master tree ({@link Layout}), with a key count and the bytes
 * (key + value) under every node, drawn with the master tree's labels. Only nodes that hold keys are
 * drawn; keys that do not decode go under a separate {@code undecodable} node.
 */
final class KeyspaceTree {
  static final String UNDECODABLE = "undecodable";

  private static final class Node {
    final String label;
    final LayoutNode layout; // null for the undecodable node
    final Map<String, Node> children = new HashMap<>();
    final List<String> lines = new ArrayList<>();
    long keys;
    long bytes;

    Node(String label, LayoutNode layout) {
      this.label = label;
      this.layout = layout;
    }
  }

  private final String actorId;
  private final Node root = new Node(Layout.root().label(), Layout.root());

  KeyspaceTree(String actorId) {
    this.actorId = actorId;
  }

  /** Counts one key at {@code path} (from {@code KeyDescription.node().path()}); {@code line} is listed under the leaf when not null. */
  void add(List<String> path, long bytes, String line) {
    Node n = root;
    count(n, bytes);
    for (String name : path) {
      LayoutNode layout = n.layout.child(name);
      n = n.children.computeIfAbsent(name, k -> new Node(layout.label(), layout));
      count(n, bytes);
    }
    if (line != null) {
      n.lines.add(line);
    }
  }

  /** Counts a key that does not decode; {@code line} names it. */
  void addUndecodable(long bytes, String line) {
    count(root, bytes);
    Node n = root.children.computeIfAbsent(UNDECODABLE, k -> new Node(UNDECODABLE, null));
    count(n, bytes);
    n.lines.add(line);
  }

  long keys() {
    return root.keys;
  }

  private static void count(Node n, long bytes) {
    n.keys++;
    n.bytes += bytes;
  }

  String render() {
    StringBuilder sb = new StringBuilder();
    sb.append(root.label).append(' ').append(Json.quote(actorId)).append("  ").append(counts(root)).append('\n');
    renderChildren(root, "", sb);
    return sb.toString();
  }

  private static void renderChildren(Node n, String indent, StringBuilder sb) {
    List<Node> shown = new ArrayList<>();
    if (n.layout != null) {
      for (LayoutNode c : n.layout.children()) {
        Node present = n.children.get(c.name());
        if (present != null) {
          shown.add(present);
        }
      }
    }
    Node undecodable = n.children.get(UNDECODABLE);
    if (undecodable != null && undecodable.layout == null) {
      shown.add(undecodable);
    }
    int items = shown.size() + n.lines.size();
    int i = 0;
    for (String line : n.lines) {
      boolean last = ++i == items;
      sb.append(indent).append(last ? "└── " : "├── ").append(line).append('\n');
    }
    for (Node c : shown) {
      boolean last = ++i == items;
      sb.append(indent).append(last ? "└── " : "├── ").append(c.label).append("  ").append(counts(c)).append('\n');
      renderChildren(c, indent + (last ? "    " : "│   "), sb);
    }
  }

  private static String counts(Node n) {
    return n.keys + (n.keys == 1 ? " key, " : " keys, ") + n.bytes + (n.bytes == 1 ? " byte" : " bytes");
  }
}
