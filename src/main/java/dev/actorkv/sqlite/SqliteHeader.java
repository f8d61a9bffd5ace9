package dev.actorkv.sqlite;

import java.util.LinkedHashMap;
import java.util.Map;

/** Fields of the 100-byte SQLite database header (sqlite.org/fileformat.html), for tools. */
final class SqliteHeader {
  private SqliteHeader() {}

  /** The page size in bytes (the stored value 1 means 65536), or -1 when it is not a valid page size. */
  public static int pageSize(byte[] header) {
    int raw = (header[16] & 0xff) << 8 | (header[17] & 0xff);
    int size = raw == 1 ? 65536 : raw;
    return size >= 512 && size <= 65536 && Integer.bitCount(size) == 1 ? size : -1;
  }

  /** The header as a JSON-able map, or null when {@code bytes} does not start with a SQLite header. */
  public static Map<String, Object> describe(byte[] bytes) {
    if (bytes.length < 100 || !new String(bytes, 0, 16, java.nio.charset.StandardCharsets.ISO_8859_1).equals("SQLite format 3\0")) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("page_size", pageSize(bytes));
    m.put("write_version", bytes[18] & 0xff);
    m.put("read_version", bytes[19] & 0xff);
    m.put("change_counter", u32(bytes, 24));
    m.put("page_count", u32(bytes, 28));
    m.put("freelist_pages", u32(bytes, 36));
    m.put("schema_cookie", u32(bytes, 40));
    m.put("schema_format", u32(bytes, 44));
    long enc = u32(bytes, 56);
    m.put("text_encoding", enc == 1 ? "UTF-8" : enc == 2 ? "UTF-16le" : enc == 3 ? "UTF-16be" : Long.toString(enc));
    m.put("user_version", u32(bytes, 60));
    m.put("sqlite_version_number", u32(bytes, 96));
    return m;
  }

  private static long u32(byte[] b, int off) {
    return (b[off] & 0xffL) << 24 | (b[off + 1] & 0xffL) << 16 | (b[off + 2] & 0xffL) << 8 | (b[off + 3] & 0xffL);
  }
}
