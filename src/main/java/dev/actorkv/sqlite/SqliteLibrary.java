package dev.actorkv.sqlite;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the system libsqlite3 by its usual names. Loaded once per JVM (the native library itself is
 * process-global); a failure is remembered and reported as {@link SqliteUnavailableException} naming
 * the Debian package to install.
 */
final class SqliteLibrary {
  /** Names tried in order: the soname, the development symlink, then the Debian/Ubuntu multiarch paths. */
  static final List<String> CANDIDATES = List.of(
      "libsqlite3.so.0",
      "libsqlite3.so",
      "/usr/lib/x86_64-linux-gnu/libsqlite3.so.0",
      "/usr/lib/aarch64-linux-gnu/libsqlite3.so.0",
      "/usr/lib64/libsqlite3.so.0",
      "/usr/lib/libsqlite3.so.0",
      "libsqlite3.dylib");

  static final String PACKAGE_HINT =
      "install the Debian package libsqlite3-0 (apt-get install libsqlite3-0)";

  private SqliteLibrary() {}

  private static final class Loaded {
    static final SymbolLookup LOOKUP;
    static final SqliteUnavailableException FAILURE;

    static {
      SymbolLookup found = null;
      SqliteUnavailableException failure = null;
      try {
        found = find(CANDIDATES);
      } catch (SqliteUnavailableException e) {
        failure = e;
      }
      LOOKUP = found;
      FAILURE = failure;
    }
  }

  /** The loaded library, or a {@link SqliteUnavailableException} naming the package to install. */
  static SymbolLookup lookup() {
    if (Loaded.LOOKUP == null) {
      throw new SqliteUnavailableException(Loaded.FAILURE.getMessage(), Loaded.FAILURE);
    }
    return Loaded.LOOKUP;
  }

  /** Loads the first of {@code names} that exists and exports the SQLite API, into the global arena. */
  static SymbolLookup find(List<String> names) {
    List<String> tried = new ArrayList<>();
    for (String name : names) {
      try {
        SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
        if (lookup.find("sqlite3_vfs_register").isPresent()) {
          return lookup;
        }
        tried.add(name + " (no sqlite3_vfs_register)");
      } catch (IllegalArgumentException | IllegalCallerException e) {
        tried.add(name);
      }
    }
    throw new SqliteUnavailableException("the SQLite library libsqlite3 was not found (tried " + String.join(", ", tried)
        + "); " + PACKAGE_HINT);
  }
}
