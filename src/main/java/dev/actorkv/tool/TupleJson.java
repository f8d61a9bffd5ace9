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
 * The JSON notation of tuples (KEYSPACE.md section 6): a JSON array whose elements are {@code null},
 * {@code true}, {@code false}, integers of any size, strings, nested arrays, and the one-field objects
 * {@code {"bytes":hex}}, {@code {"float":X}}, {@code {"double":X}}, {@code {"uuid":"8-4-4-4-12"}} and
 * {@code {"versionstamp":"24 hex"}}. X is a JSON number or one of {@code "NaN"}, {@code "Infinity"},
 * {@code "-Infinity"}, {@code "-0"}.
 *
 * <p>Plain JSON numbers follow the reference tool, which reads JSON the way JavaScript does without
 * losing digits: an integer literal is an exact integer, except one beyond the safe range
 * ±(2<sup>53</sup>−1) whose digits are exactly those a double prints (e.g. {@code -9007199254740992} or
 * {@code 10000000000000000}): that literal denotes a double, as the shared vectors pin down. An integer
 * that would read back as a double is therefore written {@code {"int":"<decimal>"}}, an extension of
 * the notation that is also accepted on input; and a double that is such an integer is written as the
 * plain number.
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
  private static final BigInteger MAX_SAFE = BigInteger.ONE.shiftLeft(53).subtract(BigInteger.ONE);
  /** JavaScript prints doubles from 1e21 up in exponent form. */
  private static final double JS_PLAIN_LIMIT = 1e21;
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
      throw new TupleNotationException(what + " is not valid JSON: " + e.getOriginalMessage(), e);
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
        return Tuple.fromList(elements(node, path));
      case NUMBER: {
        if (!node.isIntegralNumber()) {
          if (node.isBigDecimal() && isIntegral(node.decimalValue())) {
            throw error(path, "integer " + node.asText() + " is written with a fraction or exponent; write it as a plain JSON integer");
          }
          throw error(path, "number " + node.asText() + " is not an integer; write {\"double\":X} or {\"float\":X}");
        }
        BigInteger v = node.bigIntegerValue();
        if (readsAsDouble(v)) {
          return v.doubleValue();
        }
        return checkedInteger(v, path);
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
        if (!v.isTextual() || !DECIMAL.matcher(v.textValue()).matches()) {
          throw error(path, "int must be a string of decimal digits (optional leading -, no leading zeros), got " + v);
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

  /**
   * Whether the reference tool reads this integer literal as a double: it lies beyond the safe integer
   * range and its significant digits are exactly those of the nearest double's shortest form.
   */
  static boolean readsAsDouble(BigInteger v) {
    if (v.abs().compareTo(MAX_SAFE) <= 0) {
      return false;
    }
    double d = v.doubleValue();
    return !Double.isInfinite(d) && significantDigits(v.abs().toString()).equals(shortestDigits(d));
  }

  /** The significant digits of a double's shortest decimal form (no sign, point, exponent or outer zeros). */
  private static String shortestDigits(double d) {
    String s = Double.toString(Math.abs(d));
    int e = s.indexOf('E');
    return significantDigits((e < 0 ? s : s.substring(0, e)).replace(".", ""));
  }

  private static String significantDigits(String digits) {
    int from = 0;
    int to = digits.length();
    while (from < to && digits.charAt(from) == '0') {
      from++;
    }
    while (to > from && digits.charAt(to - 1) == '0') {
      to--;
    }
    return digits.substring(from, to);
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
      case Long l -> integerJson(BigInteger.valueOf(l));
      case BigInteger b -> integerJson(b);
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
        } else if (Math.abs(d) < JS_PLAIN_LIMIT && d == Math.rint(d) && readsAsDouble(new BigDecimal(d).toBigInteger())) {
          // Written as the reference tool writes it; reads back as this double (see class comment).
          yield NODES.numberNode(new BigDecimal(d).toBigInteger());
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

  private static JsonNode integerJson(BigInteger v) {
    return readsAsDouble(v) ? NODES.objectNode().put("int", v.toString()) : NODES.numberNode(v);
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
