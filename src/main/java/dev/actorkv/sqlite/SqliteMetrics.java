package dev.actorkv.sqlite;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.store.StoreMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The SQLite manager's instrument in one store: the page store's commits, by SQLite file (four values).
 * With the default in-memory journal, each write transaction of SQLite is one commit of the main file.
 */
final class SqliteMetrics {
  static final AttributeKey<String> FILE = AttributeKey.stringKey("actorkv.sqlite.file");

  private final LongCounter commits;
  private final Map<SqliteFile, Attributes> byFile = new EnumMap<>(SqliteFile.class);

  SqliteMetrics(StoreMetrics metrics) {
    commits = metrics.counter("actorkv.sqlite.commits", "{commit}", List.of(FILE.getKey()),
        "Atomic writes of a SQLite file's pages into the actor's keyspace (main: one per write transaction).");
    for (SqliteFile f : SqliteFile.values()) {
      byFile.put(f, Attributes.of(FILE, f.jsonName()));
    }
  }

  static SqliteMetrics of(StoreMetrics metrics) {
    return metrics.component(SqliteMetrics.class, SqliteMetrics::new);
  }

  void committed(SqliteFile file) {
    commits.add(1, byFile.get(file));
  }
}
