package dev.actorkv.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.actorkv.keyspace.KeyArbitraries.BuiltKey;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.tool.KeyJson;
import java.util.Arrays;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of the v1 and legacy key layout. */
class KeyspacePropertiesTest {
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  @Provide
  Arbitrary<BuiltKey> keys() {
    return KeyArbitraries.anyKey();
  }

  @Provide
  Arbitrary<BuiltKey> v1Keys() {
    return KeyArbitraries.v1Keys();
  }

  @Property(tries = 1000)
  void buildThenDescribeThenEncodeIsTheIdentity(@ForAll("keys") BuiltKey k) throws Exception {
    KeyDescription d = KeyDescriber.describe(k.key());
    assertEquals(k.expected(), d);
    assertArrayEquals(k.key(), d.encode());
    // And through the JSON form the tool prints and reads.
    @SuppressWarnings("unchecked")
    Map<String, Object> json = JSON.readValue(JSON.writeValueAsString(KeyJson.toJsonMap(d)), Map.class);
    KeyDescription fromJson = KeyJson.fromJsonMap(json);
    assertEquals(d, fromJson);
    assertArrayEquals(k.key(), fromJson.encode());
  }

  /**
   * Namespaces are disjoint: a key lies in the range of its own namespace only (legacy keys in none but
   * possibly their own namespace's), and the namespace ranges do not overlap.
   */
  @Property(tries = 1000)
  void namespacesAreDisjoint(@ForAll("keys") BuiltKey k) {
    Namespace own = k.expected().namespace();
    assertEquals(own, KeyDescriber.describe(k.key()).namespace());
    for (Namespace ns : Namespace.values()) {
      if (ns != own) {
        assertFalse(ns.range().contains(k.key()), () -> k + " lies in the range of " + ns);
      }
    }
    if (!k.expected().isLegacy()) {
      assertTrue(own.range().contains(k.key()), () -> k + " outside its namespace range " + own.range());
    }
  }

  @Example
  void namespaceRangesDoNotOverlap() {
    Namespace[] all = Namespace.values();
    for (int i = 0; i < all.length; i++) {
      for (int j = i + 1; j < all.length; j++) {
        KeyRange a = all[i].range();
        KeyRange b = all[j].range();
        boolean disjoint = Arrays.compareUnsigned(a.end(), b.begin()) <= 0 || Arrays.compareUnsigned(b.end(), a.begin()) <= 0;
        assertTrue(disjoint, all[i] + " " + a + " overlaps " + all[j] + " " + b);
      }
    }
  }

  /**
   * Every single-byte change, truncation and extension of a valid key is rejected with a
   * KeyFormatException or is itself a valid key that encodes back to exactly its bytes.
   */
  @Property(tries = 30)
  void mutationsAreRejectedOrCanonical(@ForAll("keys") BuiltKey k) {
    byte[] key = k.key();
    for (int i = 0; i < key.length; i++) {
      for (int v = 0; v < 256; v++) {
        byte[] m = key.clone();
        m[i] = (byte) v;
        checkRejectedOrCanonical(m);
      }
      checkRejectedOrCanonical(Arrays.copyOf(key, i));
    }
    for (int v = 0; v < 256; v++) {
      byte[] m = Arrays.copyOf(key, key.length + 1);
      m[key.length] = (byte) v;
      checkRejectedOrCanonical(m);
    }
  }

  /** The same with one random change per try, so many more keys get covered cheaply. */
  @Property(tries = 2000)
  void randomMutationsAreRejectedOrCanonical(@ForAll("keys") BuiltKey k, @ForAll int position, @ForAll byte value, @ForAll boolean insert) {
    byte[] key = k.key();
    int i = Math.floorMod(position, key.length + 1);
    byte[] m;
    if (insert) {
      m = new byte[key.length + 1];
      System.arraycopy(key, 0, m, 0, i);
      m[i] = value;
      System.arraycopy(key, i, m, i + 1, key.length - i);
    } else if (i < key.length) {
      m = key.clone();
      m[i] = value;
    } else {
      m = Arrays.copyOf(key, key.length - 1);
    }
    checkRejectedOrCanonical(m);
  }

  private static void checkRejectedOrCanonical(byte[] key) {
    KeyDescription d;
    try {
      d = KeyDescriber.describe(key);
    } catch (KeyFormatException e) {
      assertFalse(e.getMessage() == null || e.getMessage().isBlank());
      return;
    } catch (RuntimeException e) {
      throw new AssertionError("describe(" + Bytes.hex(key) + ") threw " + e, e);
    }
    assertEquals(Bytes.hex(key), Bytes.hex(d.encode()), () -> "accepted as " + d);
  }

  @Property(tries = 1000)
  void queueIdsSortNumerically(@ForAll("ids") long a, @ForAll("ids") long b) {
    assertEquals(Integer.signum(Long.compareUnsigned(a, b)),
        Integer.signum(Arrays.compareUnsigned(QueueKeys.message(a), QueueKeys.message(b))));
    assertTrue(QueueKeys.messages().contains(QueueKeys.message(a)));
    assertEquals(Long.compareUnsigned(a, b) <= 0, QueueKeys.messagesFrom(a).contains(QueueKeys.message(b)));
    assertEquals(a, QueueKeys.messageId(QueueKeys.message(a)));
  }

  @Provide
  Arbitrary<Long> ids() {
    return KeyArbitraries.queueIds();
  }

  @Property(tries = 1000)
  void sqliteChunkIndicesSortNumerically(@ForAll("chunks") long a, @ForAll("chunks") long b, @ForAll SqliteFile file) {
    assertEquals(Integer.signum(Long.compare(a, b)),
        Integer.signum(Arrays.compareUnsigned(SqliteKeys.chunk(file, a), SqliteKeys.chunk(file, b))));
    assertTrue(SqliteKeys.chunks(file).contains(SqliteKeys.chunk(file, a)));
    assertEquals(a <= b, SqliteKeys.chunksFrom(file, a).contains(SqliteKeys.chunk(file, b)));
    for (SqliteFile other : SqliteFile.values()) {
      assertEquals(other == file, SqliteKeys.chunks(other).contains(SqliteKeys.chunk(file, a)));
    }
    assertEquals(a, SqliteKeys.chunkIndex(SqliteKeys.chunk(file, a)));
  }

  @Provide
  Arbitrary<Long> chunks() {
    return KeyArbitraries.chunkIndices();
  }

  @Property(tries = 1000)
  void tracesChunksSortByBucketThenChunk(@ForAll("small") long b1, @ForAll("small") long c1, @ForAll("small") long b2, @ForAll("small") long c2) {
    int numeric = b1 != b2 ? Long.compare(b1, b2) : Long.compare(c1, c2);
    assertEquals(Integer.signum(numeric), Integer.signum(Arrays.compareUnsigned(TracesKeys.chunk(b1, c1), TracesKeys.chunk(b2, c2))));
    assertEquals(b1 == b2, TracesKeys.bucket(b1).contains(TracesKeys.chunk(b2, c2)));
  }

  @Provide
  Arbitrary<Long> small() {
    return KeyArbitraries.smallOrAny();
  }

  /** The key prefix of a location selects exactly the history entries at or under it. */
  @Property(tries = 1000)
  void locationPrefixSelectsExactlyItsSubtree(@ForAll("locations") WorkflowLocation l, @ForAll("locations") WorkflowLocation m) {
    KeyRange subtree = WorkflowKeys.historySubtree(l);
    assertEquals(m.startsWith(l), subtree.contains(WorkflowKeys.history(m)), () -> l + " vs " + m);
    assertTrue(WorkflowKeys.history().contains(WorkflowKeys.history(m)));
  }

  @Provide
  Arbitrary<WorkflowLocation> locations() {
    // Short locations over few distinct segments, so that ancestors, descendants and siblings (iteration
    // 1 next to 10) come up often.
    return KeyArbitraries.locations();
  }

  @Example
  void iterationOneNeverMatchesIterationTen() {
    WorkflowLocation one = WorkflowLocation.root().name(3).loop(2, 1);
    WorkflowLocation ten = WorkflowLocation.root().name(3).loop(2, 10);
    assertFalse(WorkflowKeys.historySubtree(one).contains(WorkflowKeys.history(ten)));
    assertFalse(WorkflowKeys.historySubtree(ten).contains(WorkflowKeys.history(one)));
    assertTrue(WorkflowKeys.historySubtree(one).contains(WorkflowKeys.history(one.name(0))));
    assertFalse(WorkflowKeys.historySubtree(one).contains(WorkflowKeys.history(ten.name(0))));
    WorkflowLocation name1 = WorkflowLocation.root().name(1);
    WorkflowLocation name10 = WorkflowLocation.root().name(10);
    assertFalse(WorkflowKeys.historySubtree(name1).contains(WorkflowKeys.history(name10)));
  }

  @Example
  void legacyKeysAreDistinguishableAndRecognized() {
    assertTrue(LegacyKeys.isLegacy(LegacyKeys.queueMessage(1)));
    assertFalse(LegacyKeys.isLegacy(QueueKeys.message(1)));
    assertTrue(KeyDescriber.describe(LegacyKeys.workflowField(WorkflowField.VERSION)).isLegacy());
    assertEquals(WorkflowField.INPUT, ((KeyDescription.WorkflowFieldKey) KeyDescriber.describe(LegacyKeys.workflowField(WorkflowField.INPUT))).field());
    assertThrows(KeyFormatException.class, () -> WorkflowKeys.field(WorkflowField.VERSION));
    assertThrows(KeyFormatException.class, () -> QueueKeys.messageId(LegacyKeys.queueMessage(1)));
  }

  @Property(tries = 500)
  void legacyKeyClassificationAgreesWithDescribe(@ForAll("keys") BuiltKey k) {
    assertEquals(k.expected().isLegacy(), LegacyKeys.isLegacy(k.key()), k::toString);
  }

  @Example
  void specificMalformedKeysAreRejected() {
    String[] bad = {
      "", "00", "0a", "ff", "0101", "0301", "02", "04", "02c0", "02ed a080".replace(" ", ""),
      "0502", "0501", "050103", "05010100", "05010200000000000000", "0501020000000000000000", "050000000000000000",
      "0601", "0602", "06011501", "0601150115", "060115011500", "0601150b", "06011505", "0601160001",
      "06011502", "060115020500", "06011502051501", "0601150205150115011500", "0601150213ff",
      "0601150315", "06011503150a", "0601150315041501", "06011504", "0601150415", "0601150402c000",
      "0701", "07011501", "0701150115", "07011502150115", "070115011501", "0701150115011501150a",
      "070113", "0715", "071503", "0801", "080100", "08010004", "0801000000", "0801010000", "08010100000000", "080101000000000000",
      "0802", "0809", "0815", "09", "0900", "090004", "0901000000000000",
    };
    for (String h : bad) {
      byte[] key = java.util.HexFormat.of().parseHex(h);
      assertThrows(KeyFormatException.class, () -> KeyDescriber.describe(key), h);
    }
  }
}
