package dev.actorkv.sqlite;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.NamespaceAudit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQLite namespace for tools: size records and chunks decoded (chunk 0 of the main file shows the
 * SQLite header), and the page store's invariants plus {@code PRAGMA integrity_check} ({@link SqliteAudit}).
 */
public final class SqliteNamespaceAudit implements NamespaceAudit {
  /** How many leading bytes of a chunk a description shows. */
  private static final int HEAD_BYTES = 16;

  @Override
  public Namespace namespace() {
    return Namespace.SQLITE;
  }

  @Override
  public Object describeValue(KeyDescription key, byte[] value) {
    return switch (key) {
      case KeyDescription.SqliteFileMeta k -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("version", FileMeta.VERSION);
        out.put("size", FileMeta.decode(value).size());
        yield out;
      }
      case KeyDescription.SqliteChunk k -> {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("length", value.length);
        out.put("head", HexFormat.of().formatHex(Arrays.copyOf(value, Math.min(HEAD_BYTES, value.length))));
        if (k.file() == SqliteFile.MAIN && k.chunkIndex() == 0) {
          Map<String, Object> header = SqliteHeader.describe(value);
          if (header != null) {
            out.put("sqlite_header", header);
          }
        }
        yield out;
      }
      default -> throw new IllegalArgumentException("not a SQLite key: " + key);
    };
  }

  @Override
  public List<String> problems(ActorKeyspace actor) {
    return SqliteAudit.integrityCheck(actor).problems();
  }
}
