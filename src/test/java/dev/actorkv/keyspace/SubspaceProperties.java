package dev.actorkv.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.tuple.Tuple;
import dev.actorkv.tuple.TupleArbitraries;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The subspaces of every node of {@link Layout}: pack and unpack are inverse, {@code contains} is exactly
 * membership in {@code range}, and sibling nodes that add bytes own disjoint ranges.
 */
class SubspaceProperties {
  /** Every node of the tree (the root too: its subspace is the whole logical keyspace). */
  static List<LayoutNode> nodes() {
    List<LayoutNode> out = new ArrayList<>();
    collect(Layout.root(), out);
    return out;
  }

  private static void collect(LayoutNode n, List<LayoutNode> out) {
    out.add(n);
    n.children().forEach(c -> collect(c, out));
  }

  @Provide
  Arbitrary<LayoutNode> layoutNodes() {
    return Arbitraries.of(nodes());
  }

  @Provide
  Arbitrary<Tuple> nonEmptyTuples() {
    return TupleArbitraries.tuples().filter(t -> t.size() > 0);
  }

  @Provide
  Arbitrary<byte[]> keys() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(12);
  }

  @Property(tries = 500)
  void packThenUnpackIsTheIdentity(@ForAll("layoutNodes") LayoutNode node, @ForAll("nonEmptyTuples") Tuple t) {
    Subspace s = node.subspace();
    byte[] key = s.pack(t);
    assertTrue(s.contains(key));
    assertTrue(s.range().contains(key));
    assertEquals(t, s.unpack(key));
    assertTrue(s.range(t).contains(key));
  }

  @Property(tries = 1000)
  void containsIsMembershipInTheRange(@ForAll("layoutNodes") LayoutNode node, @ForAll("keys") byte[] suffix,
      @ForAll("keys") byte[] other) {
    Subspace s = node.subspace();
    byte[] inside = s.packRaw(suffix);
    assertTrue(s.contains(inside));
    assertTrue(s.range().contains(inside));
    assertEquals(s.contains(other), s.range().contains(other), () -> Bytes.hex(other) + " in " + s);
  }

  @Property(tries = 1000)
  void siblingsOwnDisjointRanges(@ForAll("layoutNodes") LayoutNode parent, @ForAll("keys") byte[] suffix) {
    List<LayoutNode> adding = parent.children().stream().filter(c -> !(c.element() instanceof LayoutNode.Nothing)).toList();
    for (LayoutNode a : adding) {
      byte[] key = a.subspace().packRaw(suffix);
      for (LayoutNode b : adding) {
        if (a != b) {
          assertFalse(b.subspace().contains(key), () -> Bytes.hex(key) + " of " + a + " lies in " + b);
          assertFalse(b.subspace().range().contains(key), () -> Bytes.hex(key) + " of " + a + " lies in range of " + b);
        }
      }
    }
  }

  @Property(tries = 300)
  void unpackRejectsKeysOutsideTheSubspace(@ForAll("layoutNodes") LayoutNode node, @ForAll("keys") byte[] key) {
    Subspace s = node.subspace();
    if (!s.contains(key)) {
      assertThrows(KeyFormatException.class, () -> s.unpack(key));
    }
  }

  @Example
  void unpackRejectsAPrefixAloneAndABadTuple() {
    Subspace s = Layout.node("workflow", "v1").subspace();
    assertThrows(KeyFormatException.class, () -> s.unpack(s.prefix()));
    assertThrows(KeyFormatException.class, () -> s.unpack(s.packRaw(new byte[] {0x15})));
  }

  @Example
  void theRangeEndsAtTheStrincOfThePrefix() {
    byte[] k = {0x05, 0x01, (byte) 0xff};
    assertArrayEquals(new byte[] {0x05, 0x02}, Subspace.of(k).range().end());
    assertArrayEquals(KeyRange.strinc(k), Subspace.of(k).range().end());
    assertTrue(Subspace.of(new byte[0]).range().unboundedEnd());
  }

  /** The builders' keys lie in their nodes' subspaces (the vectors pin the builders' bytes). */
  @Example
  void builtKeysLieInTheirNodesSubspace() {
    assertArrayEquals(QueueKeys.metadata(), Layout.node("queue", "v1", "metadata").subspace().prefix());
    assertTrue(Layout.node("queue", "v1", "message").subspace().contains(QueueKeys.message(9)));
    assertTrue(Layout.node("workflow", "v1", "name").subspace().contains(WorkflowKeys.name(3)));
    assertTrue(Layout.node("traces", "v1", "chunk").subspace().contains(TracesKeys.chunk(60, 1)));
    assertTrue(Layout.node("sqlite", "v1", "chunk").subspace().contains(SqliteKeys.chunk(SqliteFile.WAL, 2)));
  }
}
