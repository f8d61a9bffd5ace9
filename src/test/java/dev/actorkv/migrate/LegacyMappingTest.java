package dev.actorkv.migrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.io.BaseEncoding;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.LegacyArbitraries;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.WorkflowField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** ACTOR_KV_STRUCTURE.md section 2, row by row, and the mapping's laws on random keys. */
class LegacyMappingTest {
  private static final BaseEncoding HEX = BaseEncoding.base16().lowerCase();

  private static String v1Of(String legacyHex) {
    return LegacyMapping.toV1(HEX.decode(legacyHex)).map(HEX::encode).orElse("dropped");
  }

  @Test
  void everyRowOfTheSpecTable() {
    // [05] + u64be(id) -> [05][01][02] + u64be(id)
    assertEquals("0501020000000000000001", v1Of("050000000000000001"));
    assertEquals("050102ffffffffffffffff", v1Of("05ffffffffffffffff"));
    // [06] -> [05][01][01]
    assertEquals("050101", v1Of("06"));
    // [07] + pack(...) -> [06][01] + pack(...)
    assertEquals("0601" + "1501" + "1503", v1Of("07" + "1501" + "1503")); // name index 3
    assertEquals("0601" + "1502" + "1501" + "051502150700", v1Of("07" + "1502" + "1501" + "051502150700")); // history [1,(2,7)]
    assertEquals("0601" + "1504" + "02652d3100", v1Of("07" + "1504" + "02652d3100")); // entry metadata "e-1"
    assertEquals("0601" + "1503" + "1501", v1Of("07" + "1503" + "1501")); // state
    assertEquals("0601" + "1503" + "1502", v1Of("07" + "1503" + "1502")); // output
    assertEquals("0601" + "1503" + "1503", v1Of("07" + "1503" + "1503")); // error
    assertEquals("dropped", v1Of("07" + "1503" + "1504")); // legacy "version"
    assertEquals("0601" + "1503" + "1504", v1Of("07" + "1503" + "1505")); // legacy input (3,5) -> (3,4)
    // [08] + pack(1, bucket, chunk) -> [07][01] + pack(1, bucket, chunk)
    assertEquals("0701" + "1501" + "186553f100" + "1502", v1Of("08" + "1501" + "186553f100" + "1502"));
    // [09][00][tag] -> [08][01][00][tag]
    for (int tag = 0; tag < 4; tag++) {
      assertEquals("08010000".substring(0, 6) + "0" + tag, v1Of("0900" + "0" + tag));
      assertEquals("080101" + "0" + tag + "0000002a", v1Of("0901" + "0" + tag + "0000002a"));
    }
  }

  @Test
  void rejectsKeysThatAreNotLegacy() {
    assertThrows(IllegalArgumentException.class, () -> LegacyMapping.toV1(new KeyDescription.QueueMetadata(1)));
    assertThrows(KeyFormatException.class, () -> LegacyMapping.toV1(QueueKeys.metadata()));
    assertThrows(KeyFormatException.class, () -> LegacyMapping.toV1(HEX.decode("0500")));
    assertThrows(IllegalArgumentException.class, () -> LegacyMapping.toLegacy(new KeyDescription.QueueMetadata(0)));
    assertEquals(Optional.empty(), LegacyMapping.toLegacy(new KeyDescription.PersistedData()));
    assertEquals(Optional.empty(), LegacyMapping.toLegacy(new KeyDescription.UserKv(new byte[] {1})));
  }

  @Property(tries = 300)
  void legacyKeysMapToV1KeysOfTheSameLogicalThing(@ForAll("legacyKeys") KeyDescription legacy) {
    byte[] legacyKey = legacy.encode();
    assertTrue(LegacyKeys.isLegacy(legacyKey));
    assertEquals(legacy, KeyDescriber.describe(legacyKey));
    Optional<KeyDescription> v1 = LegacyMapping.toV1(legacy);
    if (legacy instanceof KeyDescription.WorkflowFieldKey f && f.field() == WorkflowField.VERSION) {
      assertTrue(v1.isEmpty());
      return;
    }
    byte[] v1Key = v1.orElseThrow().encode();
    assertFalse(LegacyKeys.isLegacy(v1Key));
    KeyDescription back = KeyDescriber.describe(v1Key);
    assertEquals(1, back.version());
    assertEquals(legacy.namespace(), back.namespace());
    // The same leaf of the layout tree, once under legacy and once under the v1 namespace.
    List<String> legacyPath = legacy.node().path();
    List<String> v1Path = new ArrayList<>(back.node().path());
    v1Path.remove("v1");
    assertEquals("legacy", legacyPath.getFirst());
    assertEquals(legacyPath.subList(1, legacyPath.size()), v1Path);
    assertEquals(legacy, LegacyMapping.toLegacy(back).orElseThrow());
    assertArrayEquals(v1Key, LegacyMapping.toV1(legacyKey).orElseThrow());
  }

  @Property(tries = 50)
  void theMappingIsInjective(@ForAll("legacyKeySets") List<KeyDescription> keys) {
    Set<String> legacy = new HashSet<>();
    Set<String> targets = new HashSet<>();
    for (KeyDescription k : keys) {
      if (legacy.add(HEX.encode(k.encode()))) {
        LegacyMapping.toV1(k).ifPresent(v1 -> assertTrue(targets.add(HEX.encode(v1.encode())), "two keys map to " + v1));
      }
    }
  }

  @Provide
  Arbitrary<List<KeyDescription>> legacyKeySets() {
    return legacyKeys().list().ofMaxSize(60);
  }

  @Provide
  Arbitrary<KeyDescription> legacyKeys() {
    return LegacyArbitraries.legacyKeys();
  }
}
