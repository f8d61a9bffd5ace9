package dev.actorkv.sqlite;

import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The invariants of one actor's SQLite files, checked by one bounded scan per file: the size record
 * decodes and agrees with the chunks, every chunk but the last is full, no chunk lies past the size, and
 * a non-empty main file starts with a valid SQLite header whose page size divides the file size. With
 * {@link #integrityCheck} it also runs {@code PRAGMA integrity_check} (read-only: skipped when a hot
 * journal would make opening roll it back).
 */
final class SqliteAudit {
  private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.ISO_8859_1);

  private final List<String> problems;

  private SqliteAudit(List<String> problems) {
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  public boolean ok() {
    return problems.isEmpty();
  }

  /** Layout checks only (no SQLite needed). */
  public static SqliteAudit scan(ActorKeyspace actor) {
    return new SqliteAudit(layoutProblems(actor));
  }

  /**
   * Layout checks, then {@code PRAGMA integrity_check} on the main database when the layout is sound, the
   * file is non-empty and no journal is pending. Fails with {@link IllegalStateException} when the
   * database is open in this process.
   */
  public static SqliteAudit integrityCheck(ActorKeyspace actor) {
    List<String> problems = layoutProblems(actor);
    if (!problems.isEmpty() || PageStore.open(actor, SqliteFile.MAIN).size() == 0 || hotJournal(actor)) {
      return new SqliteAudit(problems);
    }
    try (SqliteDatabase db = SqliteDatabase.open(actor)) {
      List<String> lines = db.integrityCheck();
      if (!lines.equals(List.of("ok"))) {
        for (String line : lines) {
          problems.add("SQLite integrity_check: " + line);
        }
      }
    } catch (SqliteException e) {
      problems.add("SQLite database does not open: " + e.getMessage());
    }
    return new SqliteAudit(problems);
  }

  /**
   * Whether the rollback journal holds a transaction SQLite would roll back on the next open (its
   * header starts with the journal magic; a finalized journal is deleted, truncated or zeroed).
   */
  public static boolean hotJournal(ActorKeyspace actor) {
    PageStore journal = PageStore.open(actor, SqliteFile.JOURNAL);
    if (journal.size() < JOURNAL_MAGIC.length) {
      return false;
    }
    byte[] head = new byte[JOURNAL_MAGIC.length];
    journal.read(0, head, 0, head.length);
    return Arrays.equals(head, JOURNAL_MAGIC);
  }

  private static final byte[] JOURNAL_MAGIC = {
    (byte) 0xd9, (byte) 0xd5, 0x05, (byte) 0xf9, 0x20, (byte) 0xa1, 0x63, (byte) 0xd7
  };

  private static List<String> layoutProblems(ActorKeyspace actor) {
    List<String> problems = new ArrayList<>();
    for (SqliteFile file : SqliteFile.values()) {
      checkFile(actor, file, problems);
    }
    return problems;
  }

  private static void checkFile(ActorKeyspace actor, SqliteFile file, List<String> problems) {
    String name = "SQLite " + file.jsonName() + " file";
    byte[] rawMeta = actor.get(SqliteKeys.fileMeta(file));
    Long size = null;
    if (rawMeta != null) {
      try {
        size = FileMeta.decode(rawMeta).size();
      } catch (PageFormatException e) {
        problems.add(name + ": size record does not decode: " + e.getMessage());
      }
    }
    long lastIndex = -1;
    int lastLength = 0;
    long count = 0;
    byte[] first = null;
    try (KeyValueIterator it = actor.iterator(SqliteKeys.chunks(file), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        long index;
        try {
          index = SqliteKeys.chunkIndex(kv.key());
        } catch (KeyFormatException e) {
          problems.add(name + ": undecodable chunk key: " + e.getMessage());
          continue;
        }
        int len = kv.value().length;
        if (len == 0 || len > SqliteKeys.CHUNK_SIZE) {
          problems.add(name + ": chunk " + index + " has " + len + " bytes (chunks hold 1.." + SqliteKeys.CHUNK_SIZE + ")");
        }
        if (lastIndex >= 0 && lastLength != SqliteKeys.CHUNK_SIZE) {
          problems.add(name + ": chunk " + lastIndex + " has " + lastLength + " bytes but is not the last chunk");
        }
        if (index == 0) {
          first = kv.value();
        }
        lastIndex = index;
        lastLength = len;
        count++;
      }
    }
    long chunkSize = lastIndex < 0 ? 0 : lastIndex * SqliteKeys.CHUNK_SIZE + lastLength;
    if (rawMeta == null && count > 0) {
      problems.add(name + ": " + count + " chunks but no size record (the size would be rebuilt as " + chunkSize + ")");
    }
    if (size != null && size != chunkSize) {
      problems.add(name + ": size record says " + size + " bytes but the chunks end at " + chunkSize);
    }
    if (file == SqliteFile.MAIN && size != null && size > 0) {
      checkHeader(first, size, problems);
    }
  }

  private static void checkHeader(byte[] first, long size, List<String> problems) {
    if (first == null || first.length < 100 || !Arrays.equals(first, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      problems.add("SQLite main file: does not start with the SQLite header \"SQLite format 3\"");
      return;
    }
    int pageSize = SqliteHeader.pageSize(first);
    if (pageSize < 0) {
      problems.add("SQLite main file: header page size " + ((first[16] & 0xff) << 8 | (first[17] & 0xff)) + " is invalid");
      return;
    }
    if (size % pageSize != 0) {
      problems.add("SQLite main file: size " + size + " is not a multiple of the page size " + pageSize);
    }
  }
}
