package dev.actorkv.tool;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.actorkv.tuple.Tuple;
import dev.actorkv.tuple.Versionstamp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The JSON notation of tuples (ACTOR_KV_STRUCTURE.md section 7): a JSON array whose elements are {@code null},
 * {@code true}, {@code false}, integers of any size, strings, nested arrays, and the one-field objects
 * {@code {"bytes":hex}}, {@code {"float":X}}, {@code {"double":X}}, {@code {"uuid":"8-4-4-4-12"}} and
 * {@code {"versionstamp":"24 hex"}}. X is a JSON number or one of {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}, {@code "-0"}.
 *
 * <p>A plain JSON integer literal is always an integer, whatever its size, and a double is always
 * written {@code {"double":X}}, so no literal is ambiguous. Input also accepts {@code {"int":"<decimal>"}},
 * which earlier versions wrote for large integers; output never uses it.
 *
 * <p>Reading is strict: anything else (a fractional number where an integer is expected, an object with
 * extra or unknown fields, odd-length hex, a malformed UUID, a number that overflows a float, an unpaired
 * surrogate in a string) throws {@link TupleNotationException} naming the element. Writing produces the
 * canonical notation: lowercase hex, floats by their shortest decimal form, negative zero as {@code
 * "-0"}. Every NaN is written {@code "NaN"}, which reads back as the canonical NaN, so a NaN with another
 * bit pattern is the one value whose bits the notation does not keep.
 */
public final class TupleJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  private static final ObjectReader READER =
      Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern DECIMAL = Pattern.compile("-?(0|[1-9][0-9]*)");
  /** Decimal digits of the largest integer the tuple layer encodes (a magnitude of 255 bytes). */
  static final int MAX_INT_DIGITS = BigInteger.ONE.shiftLeft(255 * 8).toString().length();
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private TupleJson() {}

  /** Parses JSON text in tuple notation. */
  public static Tuple parse(String json) {
    return toTuple(readTree(json, "tuple"));
  }

  /** The tuple as one line of JSON notation. */
  public static String format(Tuple tuple) {
    return Json.write(toJson(tuple));
  }

  /** Reads one JSON value, rejecting duplicate object keys and trailing text. */
  static JsonNode readTree(String json, String what) {
    try {
      JsonNode node = READER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new TupleNotationException(what + " JSON is empty");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new TupleNotationException(what + " is not valid JSON: " + Json.problem(e), e);
    }
  }

  /** The tuple a JSON array in tuple notation denotes. */
  public static Tuple toTuple(JsonNode node) {
    if (!node.isArray()) {
      throw new TupleNotationException("a tuple must be a JSON array, got " + kind(node));
    }
    return Tuple.fromList(elements(node, ""));
  }

  private static List<Object> elements(JsonNode array, String path) {
    List<Object> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(element(array.get(i), path.isEmpty() ? Integer.toString(i) : path + "." + i));
    }
    return out;
  }

  private static Object element(JsonNode node, String path) {
    switch (node.getNodeType()) {
      case NULL:
        return null;
      case BOOLEAN:
        return node.booleanValue();
      case STRING: {
        String s = node.textValue();
        if (!isWellFormed(s)) {
          throw error(path, "string contains an unpaired surrogate");
        }
        return s;
      }
      case ARRAY:
        // Checked here so that the notation names the element; Tuple itself would refuse it untyped.
        if (path.chars().filter(c -> c == '.').count() + 1 > Tuple.MAX_NESTING) {
          throw new TupleNotationException("tuples nest more than " + Tuple.MAX_NESTING + " levels deep");
        }
        return Tuple.fromList(elements(node, path));
      case NUMBER: {
        if (!node.isIntegralNumber()) {
          if (node.isBigDecimal() && isIntegral(node.decimalValue())) {
            throw error(path, "integer " + node.asText() + " is written with a fraction or exponent; write it as a plain JSON integer");
          }
          throw error(path, "number " + node.asText() + " is not an integer; write {\"double\":X} or {\"float\":X}");
        }
        return checkedInteger(node.bigIntegerValue(), path);
      }
      case OBJECT:
        return typedObject((ObjectNode) node, path);
      default:
        throw error(path, "unsupported JSON value " + kind(node));
    }
  }

  private static Object typedObject(ObjectNode node, String path) {
    if (node.size() != 1) {
      throw error(path, "a typed element is an object with exactly one field (bytes, float, double, uuid, versionstamp or int), got " + node.size() + " fields");
    }
    Map.Entry<String, JsonNode> field = node.properties().iterator().next();
    JsonNode v = field.getValue();
    return switch (field.getKey()) {
      case "bytes" -> hex(v, path, "bytes", -1);
      case "float" -> parseFloat(v, path);
      case "double" -> parseDouble(v, path);
      case "int" -> {
        // Bounded before parsing: BigInteger's parse is quadratic in the number of digits.
        if (!v.isTextual() || v.textValue().length() > MAX_INT_DIGITS + 1 || !DECIMAL.matcher(v.textValue()).matches()) {
          throw error(path, "int must be a string of at most " + MAX_INT_DIGITS
              + " decimal digits (optional leading -, no leading zeros), got " + abbreviated(v.toString()));
        }
        yield checkedInteger(new BigInteger(v.textValue()), path);
      }
      case "uuid" -> {
        if (!v.isTextual() || !UUID_TEXT.matcher(v.textValue()).matches()) {
          throw error(path, "uuid must be a string of the form 8-4-4-4-12 hex digits, got " + v);
        }
        yield UUID.fromString(v.textValue());
      }
      case "versionstamp" -> Versionstamp.fromBytes(hex(v, path, "versionstamp", Versionstamp.LENGTH));
      default -> throw error(path, "unknown typed element \"" + field.getKey() + "\" (expected bytes, float, double, uuid or versionstamp)");
    };
  }

  private static byte[] hex(JsonNode v, String path, String what, int exactLength) {
    if (!v.isTextual()) {
      throw error(path, what + " must be a hex string, got " + kind(v));
    }
    byte[] b = Hex.decode(v.textValue(), what);
    if (exactLength >= 0 && b.length != exactLength) {
      throw error(path, what + " must be " + exactLength + " bytes (" + 2 * exactLength + " hex digits), got " + b.length);
    }
    return b;
  }

  private static BigInteger checkedInteger(BigInteger v, String path) {
    if (v.abs().bitLength() > 255 * 8) {
      throw error(path, "integer magnitude exceeds 255 bytes");
    }
    return v;
  }

  private static Float parseFloat(JsonNode v, String path) {
    return switch (special(v, path, "float")) {
      case "NaN" -> Float.NaN;
      case "Infinity" -> Float.POSITIVE_INFINITY;
      case "-Infinity" -> Float.NEGATIVE_INFINITY;
      case "-0" -> -0.0f;
      case String text -> {
        float f = Float.parseFloat(text);
        if (Float.isInfinite(f)) {
          throw error(path, "float " + text + " is out of the float range; write \"Infinity\" or \"-Infinity\"");
        }
        yield f;
      }
    };
  }

  private static Double parseDouble(JsonNode v, String path) {
    return switch (special(v, path, "double")) {
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      case "-0" -> -0.0;
      case String text -> {
        double d = Double.parseDouble(text);
        if (Double.isInfinite(d)) {
          throw error(path, "double " + text + " is out of the double range; write \"Infinity\" or \"-Infinity\"");
        }
        yield d;
      }
    };
  }

  /**
   * The value of a float or double field as text: a special string as is, a number as its exact
   * decimal text (so it is rounded once, to the target type).
   */
  private static String special(JsonNode v, String path, String what) {
    if (v.isTextual()) {
      String s = v.textValue();
      if (s.equals("NaN") || s.equals("Infinity") || s.equals("-Infinity") || s.equals("-0")) {
        return s;
      }
      throw error(path, what + " string must be one of \"NaN\", \"Infinity\", \"-Infinity\", \"-0\", got \"" + s + "\"");
    }
    if (!v.isNumber()) {
      throw error(path, what + " must be a JSON number or \"NaN\", \"Infinity\", \"-Infinity\", \"-0\", got " + kind(v));
    }
    if (v.isBigDecimal()) {
      return v.decimalValue().toString();
    }
    if (v.isIntegralNumber()) {
      return v.bigIntegerValue().toString();
    }
    return Double.toString(v.doubleValue());
  }

  /** The tuple in JSON notation. */
  public static ArrayNode toJson(Tuple tuple) {
    ArrayNode out = NODES.arrayNode(tuple.size());
    for (int i = 0; i < tuple.size(); i++) {
      out.add(elementJson(tuple.get(i)));
    }
    return out;
  }

  private static JsonNode elementJson(Object e) {
    return switch (e) {
      case null -> NODES.nullNode();
      case Boolean b -> NODES.booleanNode(b);
      case String s -> NODES.textNode(s);
      case Long l -> NODES.numberNode(l);
      case BigInteger b -> NODES.numberNode(b);
      case Tuple t -> toJson(t);
      case byte[] b -> NODES.objectNode().put("bytes", Hex.encode(b));
      case Float f -> {
        ObjectNode o = NODES.objectNode();
        if (f.isNaN() || f.isInfinite() || Float.floatToRawIntBits(f) == Integer.MIN_VALUE) {
          o.put("float", specialName(f.doubleValue()));
        } else {
          o.set("float", NODES.numberNode(new BigDecimal(Float.toString(f))));
        }
        yield o;
      }
      case Double d -> {
        ObjectNode o = NODES.objectNode();
        if (d.isNaN() || d.isInfinite() || Double.doubleToRawLongBits(d) == Long.MIN_VALUE) {
          o.put("double", specialName(d));
        } else {
          o.set("double", NODES.numberNode(new BigDecimal(Double.toString(d))));
        }
        yield o;
      }
      case UUID u -> NODES.objectNode().put("uuid", u.toString());
      case Versionstamp v -> NODES.objectNode().put("versionstamp", v.toString());
      default -> throw new IllegalArgumentException("unsupported tuple element " + e.getClass().getName());
    };
  }

  private static String abbreviated(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }

  private static String specialName(double d) {
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "Infinity" : "-Infinity";
    }
    return "-0";
  }

  private static boolean isIntegral(BigDecimal d) {
    return d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
  }

  private static boolean isWellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static TupleNotationException error(String path, String problem) {
    return new TupleNotationException("element " + path + ": " + problem);
  }
}
