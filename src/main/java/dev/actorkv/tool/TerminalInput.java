package dev.actorkv.tool;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.TerminalBuilder;

/**
 * Lines typed at a terminal, read with JLine: the sqlite3 prompts ({@code sqlite> }, then
 * {@code    ...> } inside a statement), line editing, and history kept in
 * {@code ~/.keyspace_sql_history}. JLine is an optional dependency: without it on the class path the
 * shell prompts and reads plain lines.
 */
final class TerminalInput implements ShellInput {
  static final String PROMPT = "sqlite> ";
  static final String CONTINUE_PROMPT = "   ...> ";

  private final org.jline.terminal.Terminal terminal;
  private final LineReader reader;
  private final OutputStream out;

  private TerminalInput(org.jline.terminal.Terminal terminal, LineReader reader, OutputStream out) {
    this.terminal = terminal;
    this.reader = reader;
    this.out = out;
  }

  /** JLine on the process's terminal, or plain prompted lines when JLine is missing. */
  static ShellInput open(OutputStream out) throws IOException {
    try {
      return withJline(out);
    } catch (NoClassDefFoundError e) {
      return new Plain(out);
    }
  }

  private static ShellInput withJline(OutputStream out) throws IOException {
    org.jline.terminal.Terminal t = TerminalBuilder.builder().system(true).build();
    // $HOME as sqlite3 uses it (user.home comes from the password database instead)
    String home = System.getenv("HOME") != null ? System.getenv("HOME") : System.getProperty("user.home");
    LineReaderBuilder b = LineReaderBuilder.builder().terminal(t).appName("keyspace-sql");
    if (home != null) {
      b.variable(LineReader.HISTORY_FILE, Path.of(home, ".keyspace_sql_history"));
    }
    LineReader r = b.build();
    // SQL is not a shell language: no ! history expansion, no backslash escapes.
    r.setOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
    return new TerminalInput(t, r, out);
  }

  @Override
  public byte[] readLine(boolean continuation) throws IOException {
    out.flush();
    try {
      String line = reader.readLine(continuation ? CONTINUE_PROMPT : PROMPT);
      return line.getBytes(StandardCharsets.UTF_8);
    } catch (UserInterruptException e) {
      return new byte[0]; // Ctrl-C drops the line being typed
    } catch (EndOfFileException e) {
      terminal.writer().println();
      terminal.flush();
      return null;
    }
  }

  @Override
  public boolean interactive() {
    return true;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.getHistory().save();
    } finally {
      terminal.close();
    }
  }

  /** Prompted lines from standard input without line editing (JLine not on the class path). */
  static final class Plain implements ShellInput {
    private final OutputStream out;
    private final ShellInput.Stream lines;

    Plain(OutputStream out) {
      this.out = out;
      this.lines = new ShellInput.Stream(System.in, out::flush);
    }

    @Override
    public byte[] readLine(boolean continuation) throws IOException {
      out.write((continuation ? CONTINUE_PROMPT : PROMPT).getBytes(StandardCharsets.UTF_8));
      out.flush();
      return lines.readLine(continuation);
    }

    @Override
    public boolean interactive() {
      return true;
    }
  }
}
