package dev.actorkv.sqlite;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;

/**
 * The C structs of SQLite's VFS interface as FFM layouts, field for field as declared in sqlite3.h
 * (x86_64 / aarch64 LP64: 4-byte int, 8-byte pointers, natural alignment).
 */
final class VfsLayouts {
  private VfsLayouts() {}

  /** {@code struct sqlite3_vfs}, all three versions (168 bytes). */
  static final StructLayout VFS = MemoryLayout.structLayout(
      JAVA_INT.withName("iVersion"),
      JAVA_INT.withName("szOsFile"),
      JAVA_INT.withName("mxPathname"),
      MemoryLayout.paddingLayout(4),
      ADDRESS.withName("pNext"),
      ADDRESS.withName("zName"),
      ADDRESS.withName("pAppData"),
      ADDRESS.withName("xOpen"),
      ADDRESS.withName("xDelete"),
      ADDRESS.withName("xAccess"),
      ADDRESS.withName("xFullPathname"),
      ADDRESS.withName("xDlOpen"),
      ADDRESS.withName("xDlError"),
      ADDRESS.withName("xDlSym"),
      ADDRESS.withName("xDlClose"),
      ADDRESS.withName("xRandomness"),
      ADDRESS.withName("xSleep"),
      ADDRESS.withName("xCurrentTime"),
      ADDRESS.withName("xGetLastError"),
      ADDRESS.withName("xCurrentTimeInt64"),
      ADDRESS.withName("xSetSystemCall"),
      ADDRESS.withName("xGetSystemCall"),
      ADDRESS.withName("xNextSystemCall"));

  /** {@code struct sqlite3_io_methods}, all three versions (152 bytes). */
  static final StructLayout IO_METHODS = MemoryLayout.structLayout(
      JAVA_INT.withName("iVersion"),
      MemoryLayout.paddingLayout(4),
      ADDRESS.withName("xClose"),
      ADDRESS.withName("xRead"),
      ADDRESS.withName("xWrite"),
      ADDRESS.withName("xTruncate"),
      ADDRESS.withName("xSync"),
      ADDRESS.withName("xFileSize"),
      ADDRESS.withName("xLock"),
      ADDRESS.withName("xUnlock"),
      ADDRESS.withName("xCheckReservedLock"),
      ADDRESS.withName("xFileControl"),
      ADDRESS.withName("xSectorSize"),
      ADDRESS.withName("xDeviceCharacteristics"),
      ADDRESS.withName("xShmMap"),
      ADDRESS.withName("xShmLock"),
      ADDRESS.withName("xShmBarrier"),
      ADDRESS.withName("xShmUnmap"),
      ADDRESS.withName("xFetch"),
      ADDRESS.withName("xUnfetch"));

  /**
   * Our subclass of {@code struct sqlite3_file}: the base struct (one pointer to the io methods)
   * followed by the id under which the VFS keeps the Java side of the open file.
   */
  static final StructLayout FILE = MemoryLayout.structLayout(
      ADDRESS.withName("pMethods"),
      JAVA_LONG.withName("fileId"));

  static long offset(StructLayout layout, String field) {
    return layout.byteOffset(PathElement.groupElement(field));
  }
}
