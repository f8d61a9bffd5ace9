package dev.actorkv.keyspace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a logical key is: one record per kind of key in the layout. {@link #encode()} gives the exact
 * bytes back, and {@link KeyDescriber#describe} is its inverse. {@code version} is 1 for layout v1 and 0
 * for the legacy layout; unversioned namespaces report 1.
 */
public sealed interface KeyDescription {
  Namespace namespace();

  int version();

  byte[] encode();

  default boolean isLegacy() {
    return version() == 0;
  }

  /** The {@code key describe} object, with fields in the order of ACTOR_KV_STRUCTURE.md section 7. */
  default Map<String, Object> toJsonMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("namespace", namespace().jsonName());
    if (namespace().versioned()) {
      m.put("version", version());
    }
    addFields(m);
    return m;
  }

  /** Adds the fields after namespace and version. */
  void addFields(Map<String, Object> m);

  private static void checkVersion(int version) {
    if (version != 0 && version != 1) {
      throw new KeyFormatException("unknown layout version " + version);
    }
  }

  record PersistedData() implements KeyDescription {
    public Namespace namespace() {
      return Namespace.PERSISTED_DATA;
    }

    public int version() {
      return 1;
    }

    public byte[] encode() {
      return ActorKeys.persistedData();
    }

    public void addFields(Map<String, Object> m) {}
  }

  record Connection(String connId) implements KeyDescription {
    public Namespace namespace() {
      return Namespace.CONNECTION;
    }

    public int version() {
      return 1;
    }

    public byte[] encode() {
      return ActorKeys.connection(connId);
    }

    public void addFields(Map<String, Object> m) {
      m.put("conn_id", connId);
    }
  }

  record InspectorToken() implements KeyDescription {
    public Namespace namespace() {
      return Namespace.INSPECTOR_TOKEN;
    }

    public int version() {
      return 1;
    }

    public byte[] encode() {
      return ActorKeys.inspectorToken();
    }

    public void addFields(Map<String, Object> m) {}
  }

  record UserKv(byte[] key) implements KeyDescription {
    public UserKv {
      key = key.clone();
    }

    @Override
    public byte[] key() {
      return key.clone();
    }

    public Namespace namespace() {
      return Namespace.USER_KV;
    }

    public int version() {
      return 1;
    }

    public byte[] encode() {
      return ActorKeys.userKv(key);
    }

    public void addFields(Map<String, Object> m) {
      m.put("key", Bytes.hex(key));
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof UserKv u && Arrays.equals(key, u.key);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
      return "UserKv[key=" + Bytes.hex(key) + "]";
    }
  }

  record QueueMetadata(int version) implements KeyDescription {
    public QueueMetadata {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.QUEUE;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.queueMetadata() : QueueKeys.metadata();
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "metadata");
    }
  }

  /** A queue message key; {@code id} is unsigned 64-bit. */
  record QueueMessage(int version, long id) implements KeyDescription {
    public QueueMessage {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.QUEUE;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.queueMessage(id) : QueueKeys.message(id);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "message");
      m.put("id", new java.math.BigInteger(Long.toUnsignedString(id)));
    }
  }

  record WorkflowName(int version, long index) implements KeyDescription {
    public WorkflowName {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.workflowName(index) : WorkflowKeys.name(index);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "name");
      m.put("index", index);
    }
  }

  record WorkflowHistory(int version, WorkflowLocation location) implements KeyDescription {
    public WorkflowHistory {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.workflowHistory(location) : WorkflowKeys.history(location);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "history");
      List<Object> loc = new ArrayList<>();
      for (WorkflowLocation.Segment s : location.segments()) {
        loc.add(switch (s) {
          case WorkflowLocation.Name n -> n.index();
          case WorkflowLocation.Loop l -> List.of(l.loopNameIndex(), l.iteration());
        });
      }
      m.put("location", loc);
    }
  }

  record WorkflowFieldKey(int version, WorkflowField field) implements KeyDescription {
    public WorkflowFieldKey {
      checkVersion(version);
      field.code(version); // rejects fields that do not exist in this layout version
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.workflowField(field) : WorkflowKeys.field(field);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "field");
      m.put("field", field.jsonName());
    }
  }

  record WorkflowEntryMetadata(int version, String entryId) implements KeyDescription {
    public WorkflowEntryMetadata {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.workflowEntryMetadata(entryId) : WorkflowKeys.entryMetadata(entryId);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "entry_metadata");
      m.put("entry_id", entryId);
    }
  }

  record TracesChunk(int version, long bucketStartSec, long chunkId) implements KeyDescription {
    public TracesChunk {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.TRACES;
    }

    public byte[] encode() {
      return version == 0
          ? LegacyKeys.tracesChunk(bucketStartSec, chunkId)
          : TracesKeys.chunk(bucketStartSec, chunkId);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "chunk");
      m.put("bucket_start_sec", bucketStartSec);
      m.put("chunk_id", chunkId);
    }
  }

  record SqliteFileMeta(int version, SqliteFile file) implements KeyDescription {
    public SqliteFileMeta {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.SQLITE;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.sqliteFileMeta(file) : SqliteKeys.fileMeta(file);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "file_meta");
      m.put("file", file.jsonName());
    }
  }

  /** A SQLite chunk key; {@code chunkIndex} is unsigned 32-bit. */
  record SqliteChunk(int version, SqliteFile file, long chunkIndex) implements KeyDescription {
    public SqliteChunk {
      checkVersion(version);
    }

    public Namespace namespace() {
      return Namespace.SQLITE;
    }

    public byte[] encode() {
      return version == 0 ? LegacyKeys.sqliteChunk(file, chunkIndex) : SqliteKeys.chunk(file, chunkIndex);
    }

    public void addFields(Map<String, Object> m) {
      m.put("kind", "chunk");
      m.put("file", file.jsonName());
      m.put("chunk_index", chunkIndex);
    }
  }
}
