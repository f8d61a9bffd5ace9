package dev.actorkv.keyspace;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Classifies any logical key as exactly one {@link KeyDescription} (v1 or legacy), or throws
 * {@link KeyFormatException} naming what is wrong. This is the one decoder of the layout: the
 * per-namespace decoders of {@link QueueKeys}, {@link WorkflowKeys} and the others delegate here.
 */
public final class KeyDescriber {
  private KeyDescriber() {}

  public static KeyDescription describe(byte[] key) {
    if (key.length == 0) {
      throw new KeyFormatException("empty key");
    }
    int ns = key[0] & 0xff;
    return switch (ns) {
      case 0x01, 0x02, 0x03, 0x04 -> ActorKeys.decode(key);
      case 0x05 -> {
        if (key.length == 9) {
          yield new KeyDescription.QueueMessage(0, QueueKeys.checkId(Bytes.readU64(key, 1)));
        }
        requireVersion(key, "queue");
        yield QueueKeys.decodeV1(key);
      }
      case 0x06 -> {
        if (key.length == 1) {
          yield new KeyDescription.QueueMetadata(0);
        }
        requireVersion(key, "workflow");
        yield WorkflowKeys.decode(key, 2, 1);
      }
      case 0x07 -> key.length >= 2 && key[1] == 0x01 ? TracesKeys.decode(key, 2, 1) : WorkflowKeys.decode(key, 1, 0);
      case 0x08 -> {
        if (key.length < 2) {
          throw new KeyFormatException("key 08 is truncated");
        }
        yield key[1] == 0x01 ? SqliteKeys.decode(key, 2, 1) : TracesKeys.decode(key, 1, 0);
      }
      case 0x09 -> SqliteKeys.decode(key, 1, 0);
      default -> throw new KeyFormatException(String.format("unknown namespace byte 0x%02x", ns));
    };
  }

  private static void requireVersion(byte[] key, String namespace) {
    if (key.length < 2) {
      throw new KeyFormatException(namespace + " key is truncated: missing version byte");
    }
    if (key[1] != Namespace.CURRENT_VERSION) {
      throw new KeyFormatException(
          String.format("unknown %s storage version byte 0x%02x", namespace, key[1] & 0xff));
    }
  }

  /** Describes {@code key} and requires it to be a v1 key of kind {@code type}. */
  public static <T extends KeyDescription> T describeAs(byte[] key, Class<T> type) {
    KeyDescription d = describe(key);
    if (!type.isInstance(d) || d.isLegacy()) {
      throw new KeyFormatException(
          "expected a v1 " + type.getSimpleName() + " key, found " + (d.isLegacy() ? "legacy " : "") + d);
    }
    return type.cast(d);
  }

  /**
   * The description named by a {@code key describe} JSON object (already parsed to maps, lists,
   * strings and numbers). Inverse of {@link KeyDescription#toJsonMap()}.
   */
  public static KeyDescription fromJsonMap(Map<String, ?> m) {
    Namespace ns = Namespace.fromJsonName(string(m, "namespace"));
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
    return switch (ns.jsonName() + "/" + kind) {
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
      default -> throw new KeyFormatException("unknown kind \"" + kind + "\" in namespace " + ns.jsonName());
    };
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
      return com.google.common.io.BaseEncoding.base16().lowerCase().decode(s.toLowerCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new KeyFormatException(what + " is not valid hex: " + e.getMessage());
    }
  }
}
