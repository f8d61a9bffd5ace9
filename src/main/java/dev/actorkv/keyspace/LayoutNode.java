package dev.actorkv.keyspace;

import dev.actorkv.tuple.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * One node of the layout tree ({@link Layout}): its name, the element it adds to its parent's key prefix,
 * the variable rest of its keys (documentation only), what it holds, and its children. Its
 * {@link #subspace()} is the root's prefix followed by the elements on the path, computed once when the
 * tree is built. Immutable.
 */
public final class LayoutNode {
  /** What a node adds to its parent's prefix. */
  public sealed interface Element permits Nothing, Raw, Tag {}

  /** Nothing: a grouping node (the root's logical keys, the legacy layout). */
  public record Nothing() implements Element {}

  /** One raw byte, drawn {@code [hh]}. */
  public record Raw(int value) implements Element {
    public Raw {
      if (value < 0 || value > 0xff) {
        throw new IllegalArgumentException("not a byte: " + value);
      }
    }
  }

  /** A tuple-packed non-negative integer, drawn {@code pack(n, rest)}. */
  public record Tag(long value) implements Element {}

  /**
   * Decodes a key of this node's subspace from {@code offset} (the subspace's prefix length) as layout
   * {@code version} (0 legacy), throwing {@link KeyFormatException} naming what is wrong.
   */
  @FunctionalInterface
  interface Decoder {
    KeyDescription decode(byte[] key, int offset, int version);
  }

  /** The declarative form a node is written in; {@link Layout} binds it into the tree. */
  record Spec(String name, Element element, String rest, String meaning, int width, Decoder decoder, List<Spec> children) {
    Spec {
      children = List.copyOf(children);
    }
  }

  private final String name;
  private final Element element;
  private final String rest;
  private final String meaning;
  private final int width;
  private final Decoder decoder;
  private final List<String> path;
  private final Subspace subspace;
  private final List<LayoutNode> children;

  LayoutNode(Spec spec, List<String> parentPath, Subspace parent) {
    this.name = spec.name();
    this.element = spec.element();
    this.rest = spec.rest();
    this.meaning = spec.meaning();
    this.width = spec.width();
    this.decoder = spec.decoder();
    List<String> p = new ArrayList<>(parentPath);
    if (parent != null) {
      p.add(name); // the root is not part of any path
    }
    this.path = List.copyOf(p);
    Subspace base = parent == null ? Subspace.of(new byte[0]) : parent;
    this.subspace = switch (element) {
      case Nothing n -> base;
      case Raw r -> base.withRaw((byte) r.value());
      case Tag t -> base.withTuple(Tuple.of(t.value()));
    };
    List<LayoutNode> cs = new ArrayList<>(spec.children().size());
    for (Spec c : spec.children()) {
      cs.add(new LayoutNode(c, path, subspace));
    }
    this.children = List.copyOf(cs);
  }

  public String name() {
    return name;
  }

  public Element element() {
    return element;
  }

  /** What the node holds, one line. */
  public String meaning() {
    return meaning;
  }

  public List<LayoutNode> children() {
    return children;
  }

  public boolean isLeaf() {
    return children.isEmpty();
  }

  /** Names from the root's child down to this node (empty for the root). */
  public List<String> path() {
    return path;
  }

  /** Every key of this node starts with this subspace's prefix (the fixed bytes of the path). */
  public Subspace subspace() {
    return subspace;
  }

  /** The raw byte this node adds; throws when it adds something else. */
  int rawByte() {
    if (element instanceof Raw r) {
      return r.value();
    }
    throw new IllegalStateException(name + " adds no raw byte");
  }

  /** The tuple tag this node adds; throws when it adds something else. */
  long tag() {
    if (element instanceof Tag t) {
      return t.value();
    }
    throw new IllegalStateException(name + " adds no tuple tag");
  }

  /** Bytes after the prefix of a fixed-width leaf, or -1 when the width varies or is checked by the decoder. */
  int width() {
    return width;
  }

  /** The decoder of the keys under this node from its prefix on, or null when a child decodes them. */
  Decoder decoder() {
    return decoder;
  }

  public LayoutNode child(String childName) {
    for (LayoutNode c : children) {
      if (c.name.equals(childName)) {
        return c;
      }
    }
    throw new IllegalArgumentException("no child " + childName + " under " + name);
  }

  /** The bytes this node adds as drawn in the tree: {@code [05]}, {@code [02] + u64be(id)}, {@code pack(1, name_index)}. */
  public String bytes() {
    return switch (element) {
      case Nothing n -> rest;
      case Raw r -> String.format("[%02x]", r.value()) + rest;
      case Tag t -> "pack(" + t.value() + (rest.isEmpty() ? "" : ", " + rest) + ")";
    };
  }

  /** {@code name bytes}, e.g. {@code queue [05]}. */
  public String label() {
    String b = bytes();
    return b.isEmpty() ? name : name + " " + b;
  }

  @Override
  public String toString() {
    return "LayoutNode" + path;
  }
}
