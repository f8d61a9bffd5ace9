package dev.actorkv.keyspace;

import java.util.Arrays;

/**
 * What a logical key is: one record per kind of key in the layout. {@link #encode()} gives the exact
 * bytes back, and {@link KeyDescriber#describe} is its inverse. {@code version} is 1 for layout v1 and 0
 * for the legacy layout; unversioned namespaces report 1. The JSON form of {@code key describe} is the
 * tool's ({@code dev.actorkv.tool.KeyJson}).
 */
public sealed interface KeyDescription {
  Namespace namespace();

  int version();

  byte[] encode();

  default boolean isLegacy() {
    return version() == 0;
  }

  /**
   * The leaf of {@link Layout} this key sits at: its name is the key's kind ({@code message},
   * {@code history}, ...), its path says where it sits ({@code legacy/queue/message}).
   */
  default LayoutNode node() {
    return namespace().versioned() ? Layout.leaf(namespace(), version(), kind()) : namespace().node();
  }

  /** The name of this key's leaf under its namespace; for unversioned namespaces the namespace's own name. */
  default String kind() {
    return namespace().layoutName();
  }

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

    public String kind() {
      return "metadata";
    }

    public Namespace namespace() {
      return Namespace.QUEUE;
    }

    public byte[] encode() {
      return QueueKeys.metadata(version);
    }
  }

  /** A queue message key; {@code id} is unsigned 64-bit. */
  record QueueMessage(int version, long id) implements KeyDescription {
    public QueueMessage {
      checkVersion(version);
    }

    public String kind() {
      return "message";
    }

    public Namespace namespace() {
      return Namespace.QUEUE;
    }

    public byte[] encode() {
      return QueueKeys.message(version, id);
    }
  }

  record WorkflowName(int version, long index) implements KeyDescription {
    public WorkflowName {
      checkVersion(version);
    }

    public String kind() {
      return "name";
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return WorkflowKeys.name(WorkflowKeys.prefix(version), index);
    }
  }

  record WorkflowHistory(int version, WorkflowLocation location) implements KeyDescription {
    public WorkflowHistory {
      checkVersion(version);
    }

    public String kind() {
      return "history";
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return WorkflowKeys.history(WorkflowKeys.prefix(version), location);
    }
  }

  record WorkflowFieldKey(int version, WorkflowField field) implements KeyDescription {
    public WorkflowFieldKey {
      checkVersion(version);
      field.code(version); // rejects fields that do not exist in this layout version
    }

    public String kind() {
      return "field";
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return WorkflowKeys.field(WorkflowKeys.prefix(version), version, field);
    }
  }

  record WorkflowEntryMetadata(int version, String entryId) implements KeyDescription {
    public WorkflowEntryMetadata {
      checkVersion(version);
    }

    public String kind() {
      return "entry_metadata";
    }

    public Namespace namespace() {
      return Namespace.WORKFLOW;
    }

    public byte[] encode() {
      return WorkflowKeys.entryMetadata(WorkflowKeys.prefix(version), entryId);
    }
  }

  record TracesChunk(int version, long bucketStartSec, long chunkId) implements KeyDescription {
    public TracesChunk {
      checkVersion(version);
    }

    public String kind() {
      return "chunk";
    }

    public Namespace namespace() {
      return Namespace.TRACES;
    }

    public byte[] encode() {
      return TracesKeys.chunk(version, bucketStartSec, chunkId);
    }
  }

  record SqliteFileMeta(int version, SqliteFile file) implements KeyDescription {
    public SqliteFileMeta {
      checkVersion(version);
    }

    public String kind() {
      return "file_meta";
    }

    public Namespace namespace() {
      return Namespace.SQLITE;
    }

    public byte[] encode() {
      return SqliteKeys.fileMeta(version, file);
    }
  }

  /** A SQLite chunk key; {@code chunkIndex} is unsigned 32-bit. */
  record SqliteChunk(int version, SqliteFile file, long chunkIndex) implements KeyDescription {
    public SqliteChunk {
      checkVersion(version);
    }

    public String kind() {
      return "chunk";
    }

    public Namespace namespace() {
      return Namespace.SQLITE;
    }

    public byte[] encode() {
      return SqliteKeys.chunk(version, file, chunkIndex);
    }
  }
}
