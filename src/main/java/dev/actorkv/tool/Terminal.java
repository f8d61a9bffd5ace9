package dev.actorkv.tool;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** Whether standard input is a terminal: the C library's {@code isatty(0)}, the sqlite3 shell's own test. */
final class Terminal {
  private Terminal() {}

  static boolean isStdinTerminal() {
    Linker linker = Linker.nativeLinker();
    MemorySegment isatty = linker.defaultLookup().find("isatty").orElse(null);
    if (isatty == null) {
      return System.console() != null && System.console().isTerminal();
    }
    MethodHandle h = linker.downcallHandle(isatty, FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    try {
      return (int) h.invokeExact(0) == 1;
    } catch (Throwable t) {
      return false;
    }
  }
}
