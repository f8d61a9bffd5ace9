package dev.actorkv.tool;

import java.io.PrintWriter;

/**
 * A progress line on stderr for long runs, shown only when stderr is a terminal (a console is attached),
 * so pipes, files and tests see nothing. Redrawn at most four times a second.
 */
final class Progress {
  private static final long INTERVAL_NANOS = 250_000_000L;
  private final PrintWriter err;
  private final String what;
  private final boolean enabled;
  private long count;
  private long lastDraw = System.nanoTime();
  private boolean drawn;

  private Progress(PrintWriter err, String what, boolean enabled) {
    this.err = err;
    this.what = what;
    this.enabled = enabled;
  }

  static Progress onTerminal(PrintWriter err, String what) {
    return new Progress(err, what, System.console() != null);
  }

  /** One more item done. */
  void step() {
    count++;
    if ((count & 0x3ff) == 0) {
      maybeDraw();
    }
  }

  /** {@code total} items done so far, for runs that report progress in batches. */
  void advanceTo(long total) {
    count = total;
    maybeDraw();
  }

  private void maybeDraw() {
    if (enabled) {
      long now = System.nanoTime();
      if (now - lastDraw >= INTERVAL_NANOS) {
        lastDraw = now;
        drawn = true;
        err.print("\r" + what + ": " + count + " keys");
        err.flush();
      }
    }
  }

  /** Clears the progress line. */
  void done() {
    if (drawn) {
      err.print("\r\033[K");
      err.flush();
      drawn = false;
    }
  }
}
