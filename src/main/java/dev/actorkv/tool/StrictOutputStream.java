package dev.actorkv.tool;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * An output stream whose write failures are errors of the command. {@link System#out} and {@link
 * PrintWriter} swallow IOExceptions (they only set a flag), so a run writing to a full disk, a closed pipe
 * or {@code /dev/full} would exit 0 having written nothing. Every failed write or flush here throws a
 * {@link Errors.UserError} with exit code {@link Errors#FAILED} ("cannot write output: No space left on
 * device"): an unchecked exception passes through PrintWriter, which catches only IOException, and stops
 * the command at the first failed write. Exit 1, not 2 (the input was fine) nor 70 (nothing internal
 * broke): the environment refused the output, and the run failed.
 */
final class StrictOutputStream extends FilterOutputStream {
  private final String what;
  private boolean failed;

  /** {@code what} names the destination in messages: "output" for standard output, or a file. */
  StrictOutputStream(OutputStream out, String what) {
    super(out);
    this.what = what;
  }

  /** Standard output, unbuffered below the writer (System.out's own buffer would hide failures). */
  static StrictOutputStream standardOutput() {
    return new StrictOutputStream(new FileOutputStream(FileDescriptor.out), "output");
  }

  /** A buffered UTF-8 writer on this stream; its failed writes throw (see the class comment). */
  PrintWriter writer(boolean autoFlush) {
    return new PrintWriter(new BufferedWriter(new OutputStreamWriter(this, StandardCharsets.UTF_8), 1 << 16), autoFlush);
  }

  /** True once a write or flush failed (the failure was thrown then). */
  boolean failed() {
    return failed;
  }

  @Override
  public void write(int b) {
    try {
      out.write(b);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void flush() {
    try {
      out.flush();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  @Override
  public void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw failure(e);
    }
  }

  private Errors.UserError failure(IOException e) {
    failed = true;
    return new Errors.UserError("cannot write " + what + ": " + IoMessages.reason(e), Errors.FAILED);
  }
}
