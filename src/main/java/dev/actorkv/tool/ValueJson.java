package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.tuple.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The decoded value shown by {@code dump --values}: for the store's own namespaces (persisted state,
 * connections, inspector token, user KV) the hex plus the UTF-8 text when it is printable; for a manager's
 * namespace whatever its registered inspector decodes (hex when none is registered yet or the key is
 * legacy); hex plus the error when a value does not decode.
 */
final class ValueJson {
  private final Map<Namespace, NamespaceInspector> inspectors = new EnumMap<>(Namespace.class);

  ValueJson(List<NamespaceInspector> inspectors) {
    for (NamespaceInspector i : inspectors) {
      this.inspectors.put(i.namespace(), i);
    }
  }

  /** {@code key} null: the key did not decode. */
  Object decode(KeyDescription key, byte[] value) {
    if (key == null || key.isLegacy()) {
      return raw(value);
    }
    if (!key.namespace().versioned()) {
      return raw(value);
    }
    NamespaceInspector inspector = inspectors.get(key.namespace());
    if (inspector == null) {
      return raw(value);
    }
    try {
      return inspector.audit().describeValue(key, value);
    } catch (RuntimeException e) {
      Map<String, Object> m = raw(value);
      m.put("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
      return m;
    }
  }

  /** {@code {"hex":…}} plus {@code "utf8"} when the bytes are valid, printable UTF-8. */
  static Map<String, Object> raw(byte[] value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("hex", Hex.encode(value));
    if (Utf8.firstInvalid(value, 0, value.length) < 0) {
      String s = new String(value, StandardCharsets.UTF_8);
      if (printable(s)) {
        m.put("utf8", s);
      }
    }
    return m;
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      if (Character.isISOControl(cp) && cp != '\n' && cp != '\t') {
        return false;
      }
      int type = Character.getType(cp);
      if (type == Character.UNASSIGNED || type == Character.PRIVATE_USE || type == Character.FORMAT) {
        return false;
      }
      i += Character.charCount(cp);
    }
    return true;
  }
}
