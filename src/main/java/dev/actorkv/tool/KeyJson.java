package dev.actorkv.tool;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowLocation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code key describe} JSON object of a key description and its inverse (the {@code key encode}
 * input), ACTOR_KV_STRUCTURE.md section 7. The namespace and kind names are the names of the key's nodes
 * in the layout tree ({@code KeyDescription.node()}); the other fields are per kind of key.
 */
public final class KeyJson {
  private KeyJson() {}

  /** The name of {@code ns} in describe objects and in the tool's messages. */
  static String name(Namespace ns) {
    return ns.layoutName();
  }

  /** The {@code key describe} object, with fields in the order of ACTOR_KV_STRUCTURE.md section 7. */
  public static Map<String, Object> toJsonMap(KeyDescription d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace", name(d.namespace()));
    if (d.namespace().versioned()) {
      m.put("version", d.version());
      m.put("kind", d.kind());
    }
    switch (d) {
      case KeyDescription.PersistedData p -> {}
      case KeyDescription.InspectorToken i -> {}
      case KeyDescription.Connection c -> m.put("conn_id", c.connId());
      case KeyDescription.UserKv u -> m.put("key", Hex.encode(u.key()));
      case KeyDescription.QueueMetadata q -> {}
      case KeyDescription.QueueMessage q -> m.put("id", new BigInteger(Long.toUnsignedString(q.id())));
      case KeyDescription.WorkflowName w -> m.put("index", w.index());
      case KeyDescription.WorkflowHistory w -> {
        List<Object> loc = new ArrayList<>();
        for (WorkflowLocation.Segment s : w.location().segments()) {
          loc.add(switch (s) {
            case WorkflowLocation.Name n -> n.index();
            case WorkflowLocation.Loop l -> List.of(l.loopNameIndex(), l.iteration());
          });
        }
        m.put("location", loc);
      }
      case KeyDescription.WorkflowFieldKey w -> m.put("field", w.field().jsonName());
      case KeyDescription.WorkflowEntryMetadata w -> m.put("entry_id", w.entryId());
      case KeyDescription.TracesChunk t -> {
        m.put("bucket_start_sec", t.bucketStartSec());
        m.put("chunk_id", t.chunkId());
      }
      case KeyDescription.SqliteFileMeta s -> m.put("file", s.file().jsonName());
      case KeyDescription.SqliteChunk s -> {
        m.put("file", s.file().jsonName());
        m.put("chunk_index", s.chunkIndex());
      }
    }
    return m;
  }

  /**
   * The description named by a {@code key describe} JSON object (already parsed to maps, lists,
   * strings and numbers). Inverse of {@link #toJsonMap}.
   */
  public static KeyDescription fromJsonMap(Map<String, ?> m) {
    Namespace ns = namespace(string(m, "namespace"));
    if (!ns.versioned()) {
      return switch (ns) {
        case PERSISTED_DATA -> {
          only(m, Set.of("namespace"));
          yield new KeyDescription.PersistedData();
        }
        case INSPECTOR_TOKEN -> {
          only(m, Set.of("namespace"));
          yield new KeyDescription.InspectorToken();
        }
        case CONNECTION -> {
          only(m, Set.of("namespace", "conn_id"));
          String id = string(m, "conn_id");
          if (id.isEmpty()) {
            throw new KeyFormatException("connection id must not be empty");
          }
          yield new KeyDescription.Connection(id);
        }
        case USER_KV -> {
          only(m, Set.of("namespace", "key"));
          byte[] k = hex(string(m, "key"), "key");
          if (k.length == 0) {
            throw new KeyFormatException("user KV key must not be empty");
          }
          yield new KeyDescription.UserKv(k);
        }
        default -> throw new IllegalStateException();
      };
    }
    int version = (int) integer(m, "version", 0, 1);
    String kind = string(m, "kind");
    return switch (name(ns) + "/" + kind) {
      case "queue/metadata" -> {
        only(m, Set.of("namespace", "version", "kind"));
        yield new KeyDescription.QueueMetadata(version);
      }
      case "queue/message" -> {
        only(m, Set.of("namespace", "version", "kind", "id"));
        BigInteger id = bigInteger(m, "id");
        if (id.signum() <= 0 || id.bitLength() > 64) {
          throw new KeyFormatException("queue message id must be in [1, 2^64), got " + id);
        }
        yield new KeyDescription.QueueMessage(version, id.longValue());
      }
      case "workflow/name" -> {
        only(m, Set.of("namespace", "version", "kind", "index"));
        yield new KeyDescription.WorkflowName(version, integer(m, "index", 0, Long.MAX_VALUE));
      }
      case "workflow/history" -> {
        only(m, Set.of("namespace", "version", "kind", "location"));
        yield new KeyDescription.WorkflowHistory(version, location(m.get("location")));
      }
      case "workflow/field" -> {
        only(m, Set.of("namespace", "version", "kind", "field"));
        yield new KeyDescription.WorkflowFieldKey(version, WorkflowField.fromJsonName(string(m, "field")));
      }
      case "workflow/entry_metadata" -> {
        only(m, Set.of("namespace", "version", "kind", "entry_id"));
        yield new KeyDescription.WorkflowEntryMetadata(version, string(m, "entry_id"));
      }
      case "traces/chunk" -> {
        only(m, Set.of("namespace", "version", "kind", "bucket_start_sec", "chunk_id"));
        yield new KeyDescription.TracesChunk(
            version, integer(m, "bucket_start_sec", 0, Long.MAX_VALUE), integer(m, "chunk_id", 0, Long.MAX_VALUE));
      }
      case "sqlite/file_meta" -> {
        only(m, Set.of("namespace", "version", "kind", "file"));
        yield new KeyDescription.SqliteFileMeta(version, SqliteFile.fromJsonName(string(m, "file")));
      }
      case "sqlite/chunk" -> {
        only(m, Set.of("namespace", "version", "kind", "file", "chunk_index"));
        yield new KeyDescription.SqliteChunk(
            version, SqliteFile.fromJsonName(string(m, "file")), integer(m, "chunk_index", 0, SqliteKeys.MAX_CHUNK_INDEX));
      }
      default -> throw new KeyFormatException("unknown kind \"" + kind + "\" in namespace " + name(ns));
    };
  }

  private static Namespace namespace(String name) {
    for (Namespace n : Namespace.values()) {
      if (name(n).equals(name)) {
        return n;
      }
    }
    throw new KeyFormatException("unknown namespace \"" + name + "\"");
  }

  private static void only(Map<String, ?> m, Set<String> allowed) {
    for (String k : m.keySet()) {
      if (!allowed.contains(k)) {
        throw new KeyFormatException("unexpected field \"" + k + "\"");
      }
    }
  }

  private static String string(Map<String, ?> m, String field) {
    if (m.get(field) instanceof String s) {
      // JSON can spell a lone surrogate (\ud800); no key holds one, and the encoders would refuse it untyped.
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else if (Character.isSurrogate(c)) {
          throw new KeyFormatException("field \"" + field + "\" is not valid Unicode (unpaired surrogate at index " + i + ")");
        }
      }
      return s;
    }
    throw new KeyFormatException("field \"" + field + "\" must be a string");
  }

  private static BigInteger bigInteger(Map<String, ?> m, String field) {
    return toBig(m.get(field), "field \"" + field + "\"");
  }

  private static BigInteger toBig(Object v, String what) {
    return switch (v) {
      case Integer i -> BigInteger.valueOf(i);
      case Long l -> BigInteger.valueOf(l);
      case BigInteger b -> b;
      case null, default -> throw new KeyFormatException(what + " must be an integer");
    };
  }

  private static long integer(Map<String, ?> m, String field, long min, long max) {
    return ranged(m.get(field), "field \"" + field + "\"", min, max);
  }

  private static long ranged(Object v, String what, long min, long max) {
    BigInteger b = toBig(v, what);
    if (b.compareTo(BigInteger.valueOf(min)) < 0 || b.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new KeyFormatException(what + " must be in [" + min + ", " + max + "], got " + b);
    }
    return b.longValue();
  }

  private static WorkflowLocation location(Object v) {
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      throw new KeyFormatException("field \"location\" must be a non-empty array");
    }
    List<WorkflowLocation.Segment> segs = new ArrayList<>();
    for (Object s : list) {
      if (s instanceof List<?> pair) {
        if (pair.size() != 2) {
          throw new KeyFormatException("a loop segment must be [loop_name_index, iteration]");
        }
        segs.add(new WorkflowLocation.Loop(
            ranged(pair.get(0), "loop name index", 0, Long.MAX_VALUE), ranged(pair.get(1), "iteration", 0, Long.MAX_VALUE)));
      } else {
        segs.add(new WorkflowLocation.Name(ranged(s, "location segment", 0, Long.MAX_VALUE)));
      }
    }
    return new WorkflowLocation(segs);
  }

  private static byte[] hex(String s, String what) {
    try {
      return com.google.common.io.BaseEncoding.base16().lowerCase().decode(s.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException(what + " is not valid hex: " + e.getMessage());
    }
  }
}
