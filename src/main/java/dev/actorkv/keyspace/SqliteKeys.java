package dev.actorkv.keyspace;

/**
 * SQLite namespace, layout v1: file metadata {@code [08][01][00][tag]} and 4096-byte chunks
 * {@code [08][01][01][tag] + u32be(index)}; chunk {@code i} holds file bytes {@code [i*4096, (i+1)*4096)}.
 */
public final class SqliteKeys {
  /** Bytes per chunk, fixed by the layout (independent of SQLite's page size). */
  public static final int CHUNK_SIZE = 4096;
  /** Largest chunk index: indices are unsigned 32-bit. */
  public static final long MAX_CHUNK_INDEX = 0xffff_ffffL;

  private static final LayoutNode V1 = Layout.namespaceNode(Namespace.SQLITE, 1);
  private static final LayoutNode LEGACY = Layout.namespaceNode(Namespace.SQLITE, 0);
  static final byte[] PREFIX = V1.subspace().prefix();
  private static final byte[] LEGACY_PREFIX = LEGACY.subspace().prefix();
  static final byte META = (byte) V1.child("file_meta").rawByte();
  static final byte CHUNK = (byte) V1.child("chunk").rawByte();

  private SqliteKeys() {}

  public static byte[] fileMeta(SqliteFile file) {
    return fileMeta(PREFIX, file);
  }

  static byte[] fileMeta(int version, SqliteFile file) {
    return fileMeta(version == 0 ? LEGACY_PREFIX : PREFIX, file);
  }

  private static byte[] fileMeta(byte[] prefix, SqliteFile file) {
    byte[] key = java.util.Arrays.copyOf(prefix, prefix.length + 2);
    key[prefix.length] = META;
    key[prefix.length + 1] = file.tag();
    return key;
  }

  public static byte[] chunk(SqliteFile file, long index) {
    return chunk(PREFIX, file, index);
  }

  /** Every chunk of {@code file}, in index order. */
  public static KeyRange chunks(SqliteFile file) {
    return KeyRange.prefix(Bytes.concat(PREFIX, new byte[] {CHUNK, file.tag()}));
  }

  /** Chunks of {@code file} with index at least {@code fromIndex}. */
  public static KeyRange chunksFrom(SqliteFile file, long fromIndex) {
    return KeyRange.of(chunk(file, fromIndex), chunks(file).end());
  }

  public static KeyRange all() {
    return KeyRange.prefix(PREFIX);
  }

  /** Every legacy-layout (pre-v1) SQLite key, {@code [09]...}: data that must be migrated before use. */
  public static KeyRange legacyAll() {
    return KeyRange.prefix(LEGACY_PREFIX);
  }

  /** Chunk index of a v1 chunk key. */
  public static long chunkIndex(byte[] key) {
    return KeyDescriber.describeAs(key, KeyDescription.SqliteChunk.class).chunkIndex();
  }

  static byte[] chunk(int version, SqliteFile file, long index) {
    return chunk(version == 0 ? LEGACY_PREFIX : PREFIX, file, index);
  }

  private static byte[] chunk(byte[] prefix, SqliteFile file, long index) {
    if (index < 0 || index > MAX_CHUNK_INDEX) {
      throw new IllegalArgumentException("chunk index out of u32 range: " + index);
    }
    byte[] p = new byte[prefix.length + 2];
    System.arraycopy(prefix, 0, p, 0, prefix.length);
    p[prefix.length] = CHUNK;
    p[prefix.length + 1] = file.tag();
    return Bytes.withU32(p, index);
  }

  /** Decodes the part after the namespace prefix ({@code offset} = prefix length). */
  static KeyDescription decode(byte[] key, int offset, int version) {
    String what = version == 0 ? "legacy SQLite key" : "SQLite key";
    if (key.length < offset + 2) {
      throw new KeyFormatException(what + " is truncated: missing kind or file tag");
    }
    SqliteFile file = SqliteFile.fromTag(key[offset + 1] & 0xff);
    byte kind = key[offset];
    if (kind == META) {
      ActorKeys.requireLength(key, offset + 2, "SQLite file metadata key");
      return new KeyDescription.SqliteFileMeta(version, file);
    }
    if (kind == CHUNK) {
      ActorKeys.requireLength(key, offset + 6, "SQLite chunk key");
      return new KeyDescription.SqliteChunk(version, file, Bytes.readU32(key, offset + 2));
    }
    throw new KeyFormatException(String.format("unknown SQLite key kind 0x%02x", kind & 0xff));
  }
}
