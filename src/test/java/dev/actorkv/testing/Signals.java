package dev.actorkv.testing;

import java.io.IOException;

/**
 * Sends POSIX signals to a child process with {@code kill}, for tests that pause a real process (a GC
 * pause, a frozen VM, a network split) and resume it. SIGKILL is {@link Process#destroyForcibly()}.
 */
public final class Signals {
  private Signals() {}

  /** SIGSTOP: the process stops at once, holding everything it holds. */
  public static void pause(Process process) {
    send(process, "STOP");
  }

  /** SIGCONT: a paused process runs on from where it stopped. */
  public static void resume(Process process) {
    send(process, "CONT");
  }

  private static void send(Process process, String signal) {
    try {
      int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -" + signal + " " + process.pid() + " exited " + exit);
      }
    } catch (IOException e) {
      throw new IllegalStateException("kill -" + signal + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("kill -" + signal + " interrupted", e);
    }
  }
}
