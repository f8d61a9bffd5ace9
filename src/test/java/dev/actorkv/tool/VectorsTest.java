package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.tuple.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every vector of tuple.jsonl and keys.jsonl, in both directions. */
class VectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  /** JSON equality where numbers are equal by value (0 == 0.0, 1e+300 == 1.0E300). */
  static final Comparator<JsonNode> NUMERIC = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      return new BigDecimal(a.asText()).compareTo(new BigDecimal(b.asText()));
    }
    return a.equals(b) ? 0 : 1;
  };

  @TestFactory
  Stream<DynamicTest> tupleVectors() {
    return ReferenceVectors.lines("tuple.jsonl").stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
      JsonNode json = v.get("tuple");
      String hex = v.get("hex").textValue();
      Tuple fromJson = TupleJson.toTuple(json);
      assertEquals(hex, HEX.formatHex(fromJson.pack()), "pack");
      Tuple unpacked = Tuple.fromBytes(HEX.parseHex(hex));
      assertEquals(fromJson, unpacked, "unpack");
      JsonNode written = TupleJson.toJson(unpacked);
      assertTrue(json.equals(NUMERIC, written), () -> "notation: expected " + json + ", wrote " + written);
      assertEquals(unpacked, TupleJson.parse(TupleJson.format(unpacked)), "format then parse");
    }));
  }

  @Test
  void tupleVectorsCoverEveryTypeAndTheFileIsComplete() {
    List<JsonNode> vectors = ReferenceVectors.lines("tuple.jsonl");
    assertEquals(60, vectors.size());
    String all = vectors.toString();
    for (String needle : List.of("\"uuid\"", "\"bytes\"", "\"double\"", "null", "true", "false", "[[")) {
      assertTrue(all.contains(needle), needle);
    }
  }

  @TestFactory
  Stream<DynamicTest> keyVectors() {
    return ReferenceVectors.lines("keys.jsonl").stream().map(v -> DynamicTest.dynamicTest(v.toString(), () -> {
      byte[] key = HEX.parseHex(v.get("hex").textValue());
      JsonNode expect = v.get("expect");
      if (expect.has("error")) {
        assertThrows(KeyFormatException.class, () -> KeyDescriber.describe(key));
        return;
      }
      KeyDescription d = KeyDescriber.describe(key);
      JsonNode described = Json.MAPPER.readTree(Json.write(KeyJson.toJsonMap(d)));
      assertEquals(expect, described, "describe");
      assertEquals(fieldNames(expect), fieldNames(described), "field order");
      @SuppressWarnings("unchecked")
      Map<String, Object> map = Json.MAPPER.convertValue(expect, Map.class);
      assertArrayEquals(key, KeyJson.fromJsonMap(map).encode(), "encode");
      assertArrayEquals(key, d.encode(), "describe then encode");
    }));
  }

  @Test
  void keyVectorsIncludeErrorsAndLegacyKeys() {
    List<JsonNode> vectors = ReferenceVectors.lines("keys.jsonl");
    assertEquals(30, vectors.size());
    assertTrue(vectors.stream().filter(v -> v.get("expect").has("error")).count() >= 6);
    assertTrue(vectors.stream().anyMatch(v -> v.get("expect").path("version").asInt(-1) == 0));
  }

  private static List<String> fieldNames(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
