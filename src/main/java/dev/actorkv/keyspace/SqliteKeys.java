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

  static final byte[] PREFIX = {0x08, 0x01};
  static final byte META = 0x00;
  static final byte CHUNK = 0x01;

  private SqliteKeys() {}

  public static byte[] fileMeta(SqliteFile file) {
    return new byte[] {PREFIX[0], PREFIX[1], META, file.tag()};
  }

  public static byte[] chunk(SqliteFile file, long index) {
    return chunk(PREFIX, file, index);
  }

  /** Every chunk of {@code file}, in index order. */
  public static KeyRange chunks(SqliteFile file) {
    return KeyRange.prefix(new byte[] {PREFIX[0], PREFIX[1], CHUNK, file.tag()});
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
    return KeyRange.prefix(LegacyKeys.SQLITE);
  }

  /** Chunk index of a v1 chunk key. */
  public static long chunkIndex(byte[] key) {
    return KeyDescriber.describeAs(key, KeyDescription.SqliteChunk.class).chunkIndex();
  }

  static byte[] chunk(byte[] prefix, SqliteFile file, long index) {
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
    return switch (key[offset]) {
      case META -> {
        ActorKeys.requireLength(key, offset + 2, "SQLite file metadata key");
        yield new KeyDescription.SqliteFileMeta(version, file);
      }
      case CHUNK -> {
        ActorKeys.requireLength(key, offset + 6, "SQLite chunk key");
        yield new KeyDescription.SqliteChunk(version, file, Bytes.readU32(key, offset + 2));
      }
      default -> throw new KeyFormatException(String.format("unknown SQLite key kind 0x%02x", key[offset] & 0xff));
    };
  }
}
