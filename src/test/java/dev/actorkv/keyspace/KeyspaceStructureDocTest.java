package dev.actorkv.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.Limits;
import dev.actorkv.tuple.Tuple;
import dev.actorkv.migrate.LegacyKeys;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ACTOR_KV_STRUCTURE.md cannot drift from the code: its tree block is Layout.render(), every leaf of
 * the tree is where keys built by the builders land (KeyDescription.node()), those keys start with the
 * bytes the labels on the path state, which are the node's subspace prefix, and the limits it names are
 * Limits.DEFAULTS.
 */
class KeyspaceStructureDocTest {
  private static final String BEGIN = "<!-- BEGIN LAYOUT TREE";
  private static final String END = "<!-- END LAYOUT TREE -->";

  static String doc() throws Exception {
    Path base = Path.of(System.getProperty("actorkv.basedir", System.getProperty("user.dir")));
    return Files.readString(base.resolve("ACTOR_KV_STRUCTURE.md"));
  }

  @Test
  void treeBlockIsTheRenderedLayout() throws Exception {
    String doc = doc();
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertTrue(begin >= 0 && end > begin, "markers missing in ACTOR_KV_STRUCTURE.md");
    String block = doc.substring(doc.indexOf('\n', begin) + 1, end);
    assertTrue(block.startsWith("```text\n") && block.endsWith("```\n"), "the tree is one ```text block between the markers");
    String tree = block.substring("```text\n".length(), block.length() - "```\n".length());
    assertEquals(Layout.render(), tree, "ACTOR_KV_STRUCTURE.md tree differs from Layout.render(); paste the rendering");
  }

  /** One key of every kind, built through the public builders. */
  static List<byte[]> sampleKeys() {
    List<byte[]> keys = new ArrayList<>(List.of(
        ActorKeys.persistedData(), ActorKeys.connection("conn-1"), ActorKeys.inspectorToken(),
        ActorKeys.userKv(new byte[] {7}), QueueKeys.metadata(), QueueKeys.message(42),
        WorkflowKeys.name(3), WorkflowKeys.history(WorkflowLocation.root().name(1).loop(2, 10)),
        WorkflowKeys.field(WorkflowField.OUTPUT), WorkflowKeys.entryMetadata("entry-1"),
        TracesKeys.chunk(1795287600, 105), SqliteKeys.fileMeta(SqliteFile.WAL), SqliteKeys.chunk(SqliteFile.MAIN, 36),
        LegacyKeys.queueMessage(42), LegacyKeys.queueMetadata(), LegacyKeys.workflowName(3),
        LegacyKeys.workflowHistory(WorkflowLocation.root().name(1)), LegacyKeys.workflowField(WorkflowField.VERSION),
        LegacyKeys.workflowEntryMetadata("entry-1"), LegacyKeys.tracesChunk(1795287600, 101),
        LegacyKeys.sqliteFileMeta(SqliteFile.MAIN), LegacyKeys.sqliteChunk(SqliteFile.JOURNAL, 40)));
    return keys;
  }

  @Test
  void everyLeafHoldsBuiltKeysThatStartWithItsStatedBytes() {
    Map<List<String>, byte[]> byLeaf = new HashMap<>();
    for (byte[] key : sampleKeys()) {
      List<String> path = KeyDescriber.describe(key).node().path();
      LayoutNode leaf = Layout.node(path);
      assertTrue(leaf.children().isEmpty(), () -> Bytes.hex(key) + " describes to inner node " + path);
      byte[] stated = statedPrefix(path);
      assertTrue(Bytes.startsWith(key, stated),
          () -> Bytes.hex(key) + " at " + path + " does not start with the stated bytes " + Bytes.hex(stated));
      assertArrayEquals(stated, leaf.subspace().prefix(), () -> "the label of " + path + " states other bytes than its subspace");
      byLeaf.put(path, key);
    }
    List<List<String>> leaves = new ArrayList<>();
    collectLeaves(Layout.root(), new ArrayList<>(), leaves);
    for (List<String> leaf : leaves) {
      assertTrue(byLeaf.containsKey(leaf), () -> "no builder produces a key for leaf " + leaf);
    }
    assertEquals(leaves.size(), byLeaf.size());
  }

  private static void collectLeaves(LayoutNode n, List<String> path, List<List<String>> out) {
    for (LayoutNode c : n.children()) {
      List<String> p = new ArrayList<>(path);
      p.add(c.name());
      if (c.children().isEmpty()) {
        out.add(p);
      } else {
        collectLeaves(c, p, out);
      }
    }
  }

  private static final Pattern RAW = Pattern.compile("\\[([^\\]]+)\\]");
  private static final Pattern PACK = Pattern.compile("pack\\(([^)]*)\\)");

  /**
   * The fixed bytes that the labels on {@code path} state: each {@code [hh]} before a {@code +} (up to a
   * variable byte such as {@code [tag]}), and for {@code pack(n, ...)} the packing of the leading integer
   * literals.
   */
  static byte[] statedPrefix(List<String> path) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayoutNode n = Layout.root();
    for (String name : path) {
      n = n.child(name);
      String fixed = n.bytes().split("\\+")[0].strip();
      Matcher pack = PACK.matcher(fixed);
      if (pack.matches()) {
        List<Object> literals = new ArrayList<>();
        for (String arg : pack.group(1).split(",")) {
          if (!arg.strip().matches("\\d+")) {
            break;
          }
          literals.add(Long.parseLong(arg.strip()));
        }
        out.writeBytes(Tuple.fromList(literals).pack());
        continue;
      }
      Matcher raw = RAW.matcher(fixed);
      int at = 0;
      while (raw.find()) {
        assertEquals(at, raw.start(), () -> "unparsable label bytes " + fixed);
        if (!raw.group(1).matches("[0-9a-f]{2}")) {
          return out.toByteArray(); // a variable byte such as [tag]: the fixed prefix ends here
        }
        out.write(Integer.parseInt(raw.group(1), 16));
        at = raw.end();
      }
      assertEquals(fixed.length(), at, () -> "unparsable label bytes " + fixed);
    }
    return out.toByteArray();
  }

  private static final Pattern VECTOR_HEX = Pattern.compile("\"hex\": \"([0-9a-f]*)\"");

  /** Every key of the vectors that decodes lies at a leaf of the tree, inside that leaf's subspace. */
  @Test
  void everyVectorKeyLiesInItsLeafsSubspace() throws Exception {
    String vectors;
    try (var in = KeyspaceStructureDocTest.class.getResourceAsStream("/vectors/keys.jsonl")) {
      vectors = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    Matcher m = VECTOR_HEX.matcher(vectors);
    int decoded = 0;
    while (m.find()) {
      byte[] key = java.util.HexFormat.of().parseHex(m.group(1));
      KeyDescription d;
      try {
        d = KeyDescriber.describe(key);
      } catch (KeyFormatException e) {
        continue; // an invalid-key vector
      }
      decoded++;
      LayoutNode leaf = d.node();
      assertTrue(leaf.isLeaf(), () -> Bytes.hex(key) + " describes to inner node " + leaf);
      assertTrue(leaf.subspace().contains(key), () -> Bytes.hex(key) + " lies outside " + leaf + " " + leaf.subspace());
      assertEquals(leaf, Layout.node(leaf.path()));
    }
    assertTrue(decoded > 10, "only " + decoded + " valid vectors found");
  }

  @Test
  void limitsInTheDocumentAreTheDefaults() throws Exception {
    String doc = doc();
    Limits d = Limits.DEFAULTS;
    assertTrue(doc.contains("| logical key length | " + d.maxKeyBytes() + " bytes |"), "key limit");
    assertTrue(doc.contains("| value length | " + d.maxValueBytes() + " bytes"), "value limit");
    assertTrue(doc.contains("| storage per actor | " + d.maxStorageBytes() + " bytes"), "storage limit");
    assertTrue(doc.contains("| actor id length | " + d.maxActorIdBytes() + " bytes of UTF-8"), "actor id limit");
  }

  @Test
  void namespaceTableMatchesTheEnum() throws Exception {
    String doc = doc();
    for (Namespace ns : Namespace.values()) {
      String row = String.format("| %s | `%02x` | %s | %s |", ns.layoutName(), ns.prefixByte(),
          ns.versioned() ? "yes" : "no", ns.versioned() ? String.format("`%02x`", Namespace.CURRENT_VERSION) : "–");
      assertTrue(doc.contains(row), () -> "missing or different namespace row: " + row);
    }
  }
}
