package dev.actorkv.keyspace;

/**
 * Builders for the legacy (pre-v1) layout of ACTOR_KV_STRUCTURE.md section 2, for migration and tests. Every legacy
 * key differs from every v1 key by its bytes: queue messages are exactly 9 bytes under {@code [05]}, queue
 * metadata is the single byte {@code [06]}, and the legacy workflow and traces tuples never start with
 * the byte {@code 01} that follows a v1 namespace byte.
 */
public final class LegacyKeys {
  static final byte QUEUE_MESSAGE = 0x05;
  static final byte QUEUE_METADATA = 0x06;
  static final byte[] WORKFLOW = {0x07};
  static final byte[] TRACES = {0x08};
  static final byte[] SQLITE = {0x09};

  private LegacyKeys() {}

  public static byte[] queueMessage(long id) {
    if (id == 0) {
      throw new IllegalArgumentException("queue message ids start at 1");
    }
    return Bytes.withU64(new byte[] {QUEUE_MESSAGE}, id);
  }

  public static byte[] queueMetadata() {
    return new byte[] {QUEUE_METADATA};
  }

  public static byte[] workflowName(long index) {
    return WorkflowKeys.name(WORKFLOW, index);
  }

  public static byte[] workflowHistory(WorkflowLocation location) {
    return WorkflowKeys.history(WORKFLOW, location);
  }

  public static byte[] workflowField(WorkflowField field) {
    return WorkflowKeys.field(WORKFLOW, 0, field);
  }

  public static byte[] workflowEntryMetadata(String entryId) {
    return WorkflowKeys.entryMetadata(WORKFLOW, entryId);
  }

  public static byte[] tracesChunk(long bucketStartSec, long chunkId) {
    return TracesKeys.chunk(TRACES, bucketStartSec, chunkId);
  }

  public static byte[] sqliteFileMeta(SqliteFile file) {
    return new byte[] {SQLITE[0], SqliteKeys.META, file.tag()};
  }

  public static byte[] sqliteChunk(SqliteFile file, long index) {
    return SqliteKeys.chunk(SQLITE, file, index);
  }

  /**
   * Ranges that can hold legacy keys. Each range also covers v1 keys of the same first byte (for example
   * {@code [07]} holds v1 traces), so callers must classify each key with {@link KeyDescriber}.
   */
  public static java.util.List<KeyRange> candidateRanges() {
    return java.util.List.of(
        KeyRange.prefix(new byte[] {QUEUE_MESSAGE}),
        KeyRange.prefix(new byte[] {QUEUE_METADATA}),
        KeyRange.prefix(WORKFLOW),
        KeyRange.prefix(TRACES),
        KeyRange.prefix(SQLITE));
  }

  /**
   * The one contiguous range {@code [05, 0A)} that is the union of {@link #candidateRanges()}: every
   * legacy key lies in it, between v1 keys of the queue, workflow, traces and SQLite namespaces.
   */
  public static KeyRange candidateSpan() {
    return KeyRange.of(new byte[] {QUEUE_MESSAGE}, new byte[] {(byte) (SQLITE[0] + 1)});
  }

  /** Whether {@code key} is a legacy key (without fully validating it). */
  public static boolean isLegacy(byte[] key) {
    if (key.length == 0) {
      return false;
    }
    return switch (key[0]) {
      case QUEUE_MESSAGE -> key.length == 9;
      case QUEUE_METADATA -> key.length == 1;
      case 0x07, 0x08 -> key.length < 2 || key[1] != 0x01;
      case 0x09 -> true;
      default -> false;
    };
  }
}
