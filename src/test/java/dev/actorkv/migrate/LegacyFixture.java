package dev.actorkv.migrate;

import com.google.common.primitives.UnsignedBytes;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.keyspace.KeyRange;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Legacy-layout actor contents for tests, deterministic from a seed: every kind of legacy key of the
 * four managers with values shaped like theirs (SQLite metadata is the 10-byte fixed point of
 * ACTOR_KV_STRUCTURE.md section 4, SQLite chunks are 4096-byte pages, the others protobuf-sized blobs), plus v1
 * keys of the unversioned namespaces that the migration must leave alone.
 */
public final class LegacyFixture {
  private LegacyFixture() {}

  public static TreeMap<byte[], byte[]> newMap() {
    return new TreeMap<>(UnsignedBytes.lexicographicalComparator());
  }

  /** About {@code scale} entries per manager. */
  public static TreeMap<byte[], byte[]> legacyContents(long seed, int scale) {
    Random r = new Random(seed);
    TreeMap<byte[], byte[]> m = newMap();
    m.put(new byte[] {0x01}, utf8("{\"persisted\":\"state\"}"));
    m.put(new byte[] {0x02, 'c', '1'}, utf8("conn one"));
    m.put(new byte[] {0x03}, utf8("token"));
    m.put(new byte[] {0x04, 'k'}, utf8("user value"));
    // queue: metadata + messages (ids from 1; one very large id whose bytes start like a v1 key)
    m.put(LegacyKeys.queueMetadata(), blob(r, 6, 12));
    for (int i = 1; i <= scale; i++) {
      m.put(LegacyKeys.queueMessage(i), blob(r, 20, 300));
    }
    m.put(LegacyKeys.queueMessage(0x0102_0000_0000_0001L), blob(r, 20, 40));
    // workflow: names, nested history with loops, all five legacy fields, entry metadata
    for (int i = 0; i < Math.max(2, scale / 4); i++) {
      m.put(LegacyKeys.workflowName(i), utf8("step-" + i));
    }
    for (int i = 0; i < scale; i++) {
      WorkflowLocation loc = WorkflowLocation.of(new WorkflowLocation.Name(i % 5));
      if (i % 3 == 0) {
        loc = loc.loop(1, i);
      }
      if (i % 2 == 0) {
        loc = loc.name(i % 7);
      }
      m.put(LegacyKeys.workflowHistory(loc), blob(r, 30, 500));
    }
    for (WorkflowField f : WorkflowField.values()) {
      m.put(LegacyKeys.workflowField(f), blob(r, 4, 200));
    }
    for (int i = 0; i < Math.max(1, scale / 2); i++) {
      m.put(LegacyKeys.workflowEntryMetadata("entry-" + i + "-\u00e9\u0000x"), blob(r, 10, 60));
    }
    // traces: chunks across buckets
    for (int i = 0; i < scale; i++) {
      m.put(LegacyKeys.tracesChunk(1_700_000_000L + (i / 4) * 3600L, i % 4), blob(r, 100, 4000));
    }
    // sqlite: main file of n pages plus a journal, metadata as the fixed 10-byte format
    int pages = Math.max(1, scale / 4);
    m.put(LegacyKeys.sqliteFileMeta(SqliteFile.MAIN), sqliteMeta(pages * 4096L));
    for (int i = 0; i < pages; i++) {
      m.put(LegacyKeys.sqliteChunk(SqliteFile.MAIN, i), blob(r, 4096, 4096));
    }
    m.put(LegacyKeys.sqliteFileMeta(SqliteFile.JOURNAL), sqliteMeta(512));
    m.put(LegacyKeys.sqliteChunk(SqliteFile.JOURNAL, 0), blob(r, 512, 512));
    return m;
  }

  /** What {@code contents} must become: legacy keys mapped to v1 (the "version" field dropped). */
  public static TreeMap<byte[], byte[]> expectedV1(Map<byte[], byte[]> contents) {
    TreeMap<byte[], byte[]> out = newMap();
    for (Map.Entry<byte[], byte[]> e : contents.entrySet()) {
      if (!LegacyKeys.isLegacy(e.getKey())) {
        out.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<byte[], byte[]> e : contents.entrySet()) {
      if (LegacyKeys.isLegacy(e.getKey())) {
        KeyDescription d = KeyDescriber.describe(e.getKey());
        LegacyMapping.toV1(d).ifPresent(v1 -> out.put(v1.encode(), e.getValue()));
      }
    }
    return out;
  }

  public static long legacyCount(Map<byte[], byte[]> contents) {
    return contents.keySet().stream().filter(LegacyKeys::isLegacy).count();
  }

  /** Writes {@code contents} into {@code actor} in one batch. */
  public static void write(ActorKeyspace actor, Map<byte[], byte[]> contents) {
    ActorBatch b = actor.batch();
    contents.forEach(b::put);
    actor.commit(b);
  }

  public static TreeMap<byte[], byte[]> read(ActorKeyspace actor) {
    TreeMap<byte[], byte[]> out = newMap();
    for (KeyValue kv : actor.scan(KeyRange.all(), Integer.MAX_VALUE)) {
      out.put(kv.key(), kv.value());
    }
    return out;
  }

  /** Hex map, for assertion messages that show what differs. */
  public static Map<String, String> hex(Map<byte[], byte[]> m) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    var h = com.google.common.io.BaseEncoding.base16().lowerCase();
    m.forEach((k, v) -> out.put(h.encode(k), h.encode(v)));
    return out;
  }

  public static List<byte[]> legacyKeys(Map<byte[], byte[]> m) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] k : m.keySet()) {
      if (LegacyKeys.isLegacy(k)) {
        out.add(k);
      }
    }
    return out;
  }

  public static byte[] sqliteMeta(long size) {
    return ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putLong(size).array();
  }

  private static byte[] blob(Random r, int min, int max) {
    byte[] b = new byte[min + r.nextInt(max - min + 1)];
    r.nextBytes(b);
    return b;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
