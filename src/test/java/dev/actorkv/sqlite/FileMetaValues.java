package dev.actorkv.sqlite;

/**
 * SQLite file metadata values for tests outside this package (fuzz targets, the tool's tests): the record
 * itself is package-private, reached by the tool only through {@link SqliteNamespaceAudit}.
 */
public final class FileMetaValues {
  private FileMetaValues() {}

  /** The stored form of a file size. */
  public static byte[] encode(long size) {
    return new FileMeta(size).encode();
  }

  /** The file size a stored value records (strict decoding; throws {@link PageFormatException}). */
  public static long size(byte[] value) {
    return FileMeta.decode(value).size();
  }

  /** Decodes a value strictly and encodes it again. */
  public static byte[] decodeAndEncode(byte[] value) {
    return FileMeta.decode(value).encode();
  }
}
