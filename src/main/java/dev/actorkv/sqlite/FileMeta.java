package dev.actorkv.sqlite;

/**
 * The value of a SQLite file metadata key ({@code [08][01][00][tag]}): exactly 10 bytes, a u16
 * little-endian format version (1) followed by the file size as u64 little-endian. This is a fixed point
 * of the layout (ACTOR_KV_STRUCTURE.md section 4), shared with the reference TypeScript runtime's KV VFS, whose
 * encoding is the same bytes (a vbare version prefix plus a BARE u64).
 */
record FileMeta(long size) {
  public static final int VERSION = 1;
  public static final int LENGTH = 10;

  public FileMeta {
    if (size < 0) {
      throw new IllegalArgumentException("file size must be >= 0: " + size);
    }
  }

  public byte[] encode() {
    byte[] out = new byte[LENGTH];
    out[0] = (byte) VERSION;
    out[1] = (byte) (VERSION >>> 8);
    for (int i = 0; i < 8; i++) {
      out[2 + i] = (byte) (size >>> (8 * i));
    }
    return out;
  }

  /** Decodes a metadata value strictly: exact length, version 1, size within the signed 64-bit range. */
  public static FileMeta decode(byte[] value) {
    if (value.length != LENGTH) {
      throw new PageFormatException("SQLite file metadata must be " + LENGTH + " bytes, got " + value.length);
    }
    int version = (value[0] & 0xff) | (value[1] & 0xff) << 8;
    if (version != VERSION) {
      throw new PageFormatException("unknown SQLite file metadata version " + version + " (expected " + VERSION + ")");
    }
    long size = 0;
    for (int i = 7; i >= 0; i--) {
      size = (size << 8) | (value[2 + i] & 0xff);
    }
    if (size < 0) {
      throw new PageFormatException("SQLite file size does not fit in 63 bits: " + Long.toUnsignedString(size));
    }
    return new FileMeta(size);
  }
}
