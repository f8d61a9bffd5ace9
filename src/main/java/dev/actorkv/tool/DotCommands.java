package dev.actorkv.tool;

import dev.actorkv.sqlite.SqlScript;
import dev.actorkv.sqlite.SqliteException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The sqlite3 shell's dot-commands that {@code keyspace sql} has, with sqlite3 3.40's output and
 * messages: {@code .tables}, {@code .schema}, {@code .headers}, {@code .mode}, {@code .separator},
 * {@code .nullvalue}, {@code .help}, {@code .quit} and {@code .exit}. A command name may be shortened
 * as far as sqlite3 allows.
 */
final class DotCommands {
  enum Result {
    OK,
    ERROR,
    QUIT,
    EXIT
  }

  /** Our {@code .help}: sqlite3's own lines for the commands this shell has. */
  static final List<String> HELP = List.of(
      ".exit ?CODE?             Exit this program with return-code CODE",
      ".headers on|off          Turn display of headers on or off",
      ".help ?PATTERN?          Show help text for PATTERN",
      ".mode MODE               Set output mode (csv, json, line, list, tabs)",
      ".nullvalue STRING        Use STRING in place of NULL values",
      ".quit                    Exit this program",
      ".schema ?PATTERN?        Show the CREATE statements matching PATTERN",
      ".separator COL ?ROW?     Change the column and row separators",
      ".tables ?TABLE?          List names of tables matching LIKE pattern TABLE");

  /** sqlite3's modes, in the order its {@code .mode} matches a shortened name against them. */
  private static final List<String> SQLITE_MODES = List.of("lines", "columns", "list", "html", "tcl", "csv", "tabs",
      "insert", "quote", "ascii", "markdown", "table", "box", "count", "off", "json");

  private static final Set<String> SCHEMA_TABLES = Set.of("sqlite_master", "sqlite_schema", "sqlite_temp_master",
      "sqlite_temp_schema");

  private final SqlShell shell;
  private final ShellOutput output;
  private int exitCode;

  DotCommands(SqlShell shell) {
    this.shell = shell;
    this.output = shell.output;
  }

  int exitCode() {
    return exitCode;
  }

  /** Runs the dot-command {@code line} (starting with '.'). */
  Result run(byte[] line) throws IOException {
    List<String> args = parse(line);
    if (args.isEmpty()) {
      return Result.OK;
    }
    String name = args.getFirst();
    int n = name.length();
    char c = n == 0 ? 0 : name.charAt(0);
    if (c == 'e' && n >= 2 && "exit".startsWith(name)) {
      if (args.size() > 1) {
        long code = integerValue(args.get(1));
        if (code != 0) {
          exitCode = (int) code;
          return Result.EXIT;
        }
      }
      return Result.QUIT;
    } else if (c == 'h' && "headers".startsWith(name)) {
      if (args.size() != 2) {
        return usage("Usage: .headers on|off");
      }
      output.showHeader = booleanValue(args.get(1));
      return Result.OK;
    } else if (c == 'h' && "help".startsWith(name)) {
      return help(args.size() > 1 ? args.get(1) : null);
    } else if (c == 'm' && "mode".startsWith(name)) {
      return mode(args);
    } else if (c == 'n' && n >= 2 && "nullvalue".startsWith(name)) {
      if (args.size() != 2) {
        return usage("Usage: .nullvalue STRING");
      }
      output.nullValue = limit(args.get(1));
      return Result.OK;
    } else if (c == 'q' && "quit".startsWith(name)) {
      return Result.QUIT;
    } else if (c == 's' && n >= 3 && "schema".startsWith(name)) {
      return schema(args);
    } else if (c == 's' && n >= 3 && "separator".startsWith(name)) {
      Result r = Result.OK;
      if (args.size() < 2 || args.size() > 3) {
        shell.error("Usage: .separator COL ?ROW?");
        r = Result.ERROR;
      }
      if (args.size() >= 2) {
        output.colSeparator = limit(args.get(1));
      }
      if (args.size() >= 3) {
        output.rowSeparator = limit(args.get(2));
      }
      return r;
    } else if (c == 't' && n >= 2 && "tables".startsWith(name)) {
      return tables(args.size() > 1 ? args.get(1) : "%");
    }
    shell.error("Error: unknown command or invalid arguments:  \"" + name + "\". Enter \".help\" for help");
    return Result.ERROR;
  }

  private Result usage(String message) throws IOException {
    shell.error(message);
    return Result.ERROR;
  }

  // ------------------------------------------------------------------ .mode

  private Result mode(List<String> args) throws IOException {
    String zMode = null;
    for (int i = 1; i < args.size(); i++) {
      String z = args.get(i);
      if (zMode == null) {
        zMode = z;
      } else {
        return usage("extra argument: \"" + z + "\"");
      }
    }
    if (zMode == null) {
      write("current output mode: " + output.mode.description + "\n");
      return Result.OK;
    }
    String chosen = null;
    for (String m : SQLITE_MODES) {
      if (!zMode.isEmpty() && m.startsWith(zMode)) {
        chosen = m;
        break;
      }
    }
    if (zMode.isEmpty()) {
      chosen = output.mode == ShellOutput.Mode.LINE ? "lines" : output.mode.description;
    }
    switch (chosen == null ? "" : chosen) {
      case "lines" -> {
        output.mode = ShellOutput.Mode.LINE;
        output.rowSeparator = ShellOutput.SEP_ROW;
      }
      case "list" -> {
        output.mode = ShellOutput.Mode.LIST;
        output.colSeparator = ShellOutput.SEP_COLUMN;
        output.rowSeparator = ShellOutput.SEP_ROW;
      }
      case "csv" -> {
        output.mode = ShellOutput.Mode.CSV;
        output.colSeparator = ShellOutput.SEP_COMMA;
        output.rowSeparator = ShellOutput.SEP_CRLF;
      }
      case "tabs" -> {
        output.mode = ShellOutput.Mode.LIST;
        output.colSeparator = ShellOutput.SEP_TAB;
      }
      case "json" -> output.mode = ShellOutput.Mode.JSON;
      case "" -> {
        return usage("Error: mode should be one of: ascii box column csv html insert json line list markdown "
            + "qbox quote table tabs tcl");
      }
      default -> {
        return usage("Error: keyspace sql has the modes csv, json, line, list and tabs, not " + chosen);
      }
    }
    return Result.OK;
  }

  // ------------------------------------------------------------------ .help

  private Result help(String pattern) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (String h : HELP) {
      if (pattern == null || h.startsWith("." + pattern)) {
        sb.append(h).append('\n');
      }
    }
    if (sb.isEmpty()) {
      sb.append("Nothing matches '").append(pattern).append("'\n");
    }
    write(sb.toString());
    return Result.OK;
  }

  // ------------------------------------------------------------------ .tables

  /** sqlite3's {@code .tables}: names of tables and views, in columns across 80 characters. */
  private Result tables(String pattern) throws IOException {
    List<String> schemas = databases();
    StringBuilder q = new StringBuilder();
    for (String db : schemas) {
      if (!q.isEmpty()) {
        q.append(" UNION ALL ");
      }
      if (db.equalsIgnoreCase("main")) {
        q.append("SELECT name FROM ");
      } else {
        q.append("SELECT ").append(quote(db, '\'')).append("||'.'||name FROM ");
      }
      q.append(quote(db, '"')).append(".sqlite_schema  WHERE type IN ('table','view')   AND name NOT LIKE 'sqlite_%'"
          + "   AND name LIKE ").append(quote(pattern, '\''));
    }
    q.append(" ORDER BY 1");
    List<byte[]> names = new ArrayList<>();
    String error = query(q.toString(), s -> names.add(ShellOutput.cString(nonNull(s.text(0)))));
    if (error != null) {
      shell.error("Error: " + error);
      return Result.ERROR;
    }
    if (names.isEmpty()) {
      return Result.OK;
    }
    int maxlen = 0;
    for (byte[] name : names) {
      maxlen = Math.max(maxlen, name.length);
    }
    int nPrintCol = Math.max(1, 80 / (maxlen + 2));
    int nPrintRow = (names.size() + nPrintCol - 1) / nPrintCol;
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < nPrintRow; i++) {
      for (int j = i; j < names.size(); j += nPrintRow) {
        if (j >= nPrintRow) {
          b.write(' ');
          b.write(' ');
        }
        b.write(names.get(j));
        for (int pad = names.get(j).length; pad < maxlen; pad++) {
          b.write(' ');
        }
      }
      b.write('\n');
    }
    output.stream().write(b.toByteArray());
    return Result.OK;
  }

  // ------------------------------------------------------------------ .schema

  /** sqlite3's {@code .schema ?PATTERN?}: the CREATE statements, as its {@code MODE_Semi} prints them. */
  private Result schema(List<String> args) throws IOException {
    String name = null;
    for (int i = 1; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("-")) {
        shell.error("Unknown option: \"" + a + "\"");
        return Result.ERROR;
      } else if (name == null) {
        name = a;
      } else {
        return usage("Usage: .schema ?--indent? ?--nosys? ?LIKE-PATTERN?");
      }
    }
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    if (name != null && SCHEMA_TABLES.contains(name.toLowerCase(Locale.ROOT))) {
      printSchemaLine(b, ShellOutput.bytes("CREATE TABLE " + name + " (\n  type text,\n  name text,\n  tbl_name text,\n"
          + "  rootpage integer,\n  sql text\n)"));
    }
    String where = "";
    boolean glob = false;
    if (name != null) {
      glob = name.indexOf('*') >= 0 || name.indexOf('?') >= 0 || name.indexOf('[') >= 0;
      where = (name.indexOf('.') >= 0 ? "lower(printf('%s.%s',sname,tbl_name))" : "lower(tbl_name)")
          + (glob ? " GLOB " : " LIKE ") + quote(name, '\'') + (glob ? "" : " ESCAPE '\\' ") + " AND ";
    }
    StringBuilder q = new StringBuilder("SELECT sql, type, sname, name FROM (");
    int snum = 0;
    for (String db : databases()) {
      if (snum > 0) {
        q.append(" UNION ALL ");
      }
      q.append("SELECT sql, type, tbl_name, name, rowid, ").append(++snum).append(" AS snum, ").append(quote(db, '\''))
          .append(" AS sname FROM ").append(quote(db, '"')).append(".sqlite_schema");
    }
    q.append(") WHERE ").append(where).append("sql IS NOT NULL ORDER BY snum, rowid");
    List<byte[]> lines = new ArrayList<>();
    String error = query(q.toString(), s -> {
      byte[] sql = nonNull(s.text(0));
      String type = new String(nonNull(s.text(1)), StandardCharsets.UTF_8);
      String schema = new String(nonNull(s.text(2)), StandardCharsets.UTF_8);
      lines.add(sql);
      lines.add(type.getBytes(StandardCharsets.UTF_8));
      lines.add(schema.getBytes(StandardCharsets.UTF_8));
      lines.add(nonNull(s.text(3)));
    });
    if (error == null && name != null) {
      // Eponymous virtual tables (json_each, ...) show as a comment naming their columns.
      String modules = "SELECT name FROM pragma_module_list WHERE "
          + where.replace("lower(printf('%s.%s',sname,tbl_name))", "lower('main.'||name)").replace("lower(tbl_name)",
          "lower(name)") + "1 ORDER BY name";
      List<byte[]> found = new ArrayList<>();
      error = query(modules, s -> found.add(nonNull(s.text(0))));
      for (int i = 0; error == null && i < found.size(); i++) {
        String fake = fakeSchema(null, new String(found.get(i), StandardCharsets.UTF_8));
        if (fake != null) {
          lines.add(ShellOutput.bytes("/* " + fake + " */"));
          lines.add(null);
          lines.add(null);
          lines.add(null);
        }
      }
    }
    if (error != null) {
      shell.error("Error: " + error);
      return Result.ERROR;
    }
    for (int i = 0; i < lines.size(); i += 4) {
      byte[] sql = lines.get(i);
      if (lines.get(i + 1) != null) {
        String schema = new String(lines.get(i + 2), StandardCharsets.UTF_8);
        sql = addSchema(sql, schema.equalsIgnoreCase("main") ? null : schema,
            new String(lines.get(i + 3), StandardCharsets.UTF_8));
      }
      printSchemaLine(b, sql);
    }
    output.stream().write(b.toByteArray());
    return Result.OK;
  }

  private static final String[] CREATE_PREFIXES = {"TABLE", "INDEX", "UNIQUE INDEX", "VIEW", "TRIGGER", "VIRTUAL TABLE"};

  /** The shell's {@code shellAddSchemaName}: the schema in the CREATE statement, a view's columns after it. */
  private byte[] addSchema(byte[] in, String schema, String name) {
    String z = new String(in, StandardCharsets.ISO_8859_1); // byte for byte
    if (!z.startsWith("CREATE ")) {
      return in;
    }
    for (String prefix : CREATE_PREFIXES) {
      int n = prefix.length();
      if (z.startsWith(prefix, 7) && z.length() > n + 7 && z.charAt(n + 7) == ' ') {
        String out = null;
        if (schema != null) {
          boolean q = quoteChar(schema) && !schema.equalsIgnoreCase("temp");
          String s = q ? "\"" + schema.replace("\"", "\"\"") + "\"" : schema;
          out = z.substring(0, n + 7) + " " + latin1(s) + "." + z.substring(n + 8);
        }
        if (prefix.charAt(0) == 'V') {
          String fake = fakeSchema(schema, name);
          if (fake != null) {
            out = (out == null ? z : out) + "\n/* " + latin1(fake) + " */";
          }
        }
        if (out != null) {
          return out.getBytes(StandardCharsets.ISO_8859_1);
        }
      }
    }
    return in;
  }

  private static String latin1(String utf16) {
    return new String(utf16.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** The shell's {@code shellFakeSchema}: {@code name(col,...)} from PRAGMA table_info, or null for none. */
  private String fakeSchema(String schema, String name) {
    StringBuilder s = new StringBuilder();
    if (schema != null) {
      boolean q = quoteChar(schema) && !schema.equalsIgnoreCase("temp");
      s.append(q ? quote(schema, '"') : schema).append('.');
    }
    s.append(quoteChar(name) ? quote(name, '"') : name);
    List<String> cols = new ArrayList<>();
    String error = query("PRAGMA " + quote(schema == null ? "main" : schema, '"') + ".table_info=" + quote(name, '\'') + ";",
        r -> cols.add(new String(ShellOutput.cString(nonNull(r.text(1))), StandardCharsets.UTF_8)));
    if (error != null || cols.isEmpty()) {
      return null;
    }
    String div = "(";
    for (String col : cols) {
      s.append(div).append(quoteChar(col) ? quote(col, '"') : col);
      div = ",";
    }
    return s.append(')').toString();
  }

  /** The shell's {@code printSchemaLine} with the tail ";\n". */
  private static void printSchemaLine(ByteArrayOutputStream b, byte[] sql) {
    String z = new String(sql, StandardCharsets.ISO_8859_1);
    if (z.contains("/*") || z.contains("--")) {
      for (String term : new String[] {"", "*/", "\n"}) {
        String candidate = z + term + ";";
        if (SqlScript.complete(candidate.getBytes(StandardCharsets.ISO_8859_1))) {
          z = z + term;
          break;
        }
      }
    }
    if (z.length() > 13 && z.startsWith("CREATE TABLE ") && (z.charAt(13) == '\'' || z.charAt(13) == '"')) {
      z = "CREATE TABLE IF NOT EXISTS " + z.substring(13);
    }
    b.writeBytes((z + ";\n").getBytes(StandardCharsets.ISO_8859_1));
  }

  // ------------------------------------------------------------------ helpers

  /** The schemas to list: main, then temp once it exists (PRAGMA database_list). */
  private List<String> databases() {
    List<String> names = new ArrayList<>();
    String error = query("PRAGMA database_list", s -> {
      byte[] n = s.text(1);
      if (n != null) {
        names.add(new String(n, StandardCharsets.UTF_8));
      }
    });
    if (error != null || names.isEmpty()) {
      return List.of("main");
    }
    return names;
  }

  @FunctionalInterface
  private interface RowReader {
    void read(SqlScript s) throws IOException;
  }

  /** Runs one query, handing each row to {@code rows}; returns SQLite's error message or null. */
  private String query(String sql, RowReader rows) {
    try (SqlScript s = SqlScript.of(shell.db, sql.getBytes(StandardCharsets.UTF_8))) {
      if (s.prepare(0)) {
        while (s.step()) {
          rows.read(s);
        }
      }
      return null;
    } catch (SqliteException e) {
      Errors.rethrowOwnership(e);
      return e.getMessage();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void write(String s) throws IOException {
    OutputStream out = output.stream();
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Whether the shell quotes {@code name} as an identifier (its {@code quoteChar}). */
  private static boolean quoteChar(String name) {
    if (name.isEmpty()) {
      return true;
    }
    char first = name.charAt(0);
    if (!isAsciiAlpha(first) && first != '_') {
      return true;
    }
    for (int i = 0; i < name.length(); i++) {
      char ch = name.charAt(i);
      if (!isAsciiAlpha(ch) && !(ch >= '0' && ch <= '9') && ch != '_') {
        return true;
      }
    }
    return SqlScript.isKeyword(name);
  }

  private static boolean isAsciiAlpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /** {@code s} in {@code q} quotes, inner quotes doubled. */
  private static String quote(String s, char q) {
    String d = String.valueOf(q);
    return d + s.replace(d, d + d) + d;
  }

  private static byte[] nonNull(byte[] b) {
    return b == null ? new byte[0] : b;
  }

  /** Separators and the null text hold at most 19 bytes in sqlite3. */
  private static byte[] limit(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return b.length <= 19 ? b : java.util.Arrays.copyOf(b, 19);
  }

  /** The shell's {@code booleanValue}. */
  private boolean booleanValue(String z) throws IOException {
    int i = 0;
    if (z.startsWith("0x")) {
      for (i = 2; i < z.length() && Character.digit(z.charAt(i), 16) >= 0; i++) {}
    } else {
      for (; i < z.length() && z.charAt(i) >= '0' && z.charAt(i) <= '9'; i++) {}
    }
    if (i > 0 && i == z.length()) {
      return (integerValue(z) & 0xffffffffL) != 0;
    }
    if (z.equalsIgnoreCase("on") || z.equalsIgnoreCase("yes")) {
      return true;
    }
    if (z.equalsIgnoreCase("off") || z.equalsIgnoreCase("no")) {
      return false;
    }
    shell.error("ERROR: Not a boolean value: \"" + z + "\". Assuming \"no\".");
    return false;
  }

  /** The shell's {@code integerValue}: decimal or 0x hex with an optional sign, as far as it reads. */
  static long integerValue(String z) {
    int i = 0;
    boolean neg = false;
    if (i < z.length() && (z.charAt(i) == '-' || z.charAt(i) == '+')) {
      neg = z.charAt(i) == '-';
      i++;
    }
    long v = 0;
    if (z.startsWith("0x", i)) {
      for (i += 2; i < z.length() && Character.digit(z.charAt(i), 16) >= 0; i++) {
        v = v * 16 + Character.digit(z.charAt(i), 16);
      }
    } else {
      for (; i < z.length() && z.charAt(i) >= '0' && z.charAt(i) <= '9'; i++) {
        v = v * 10 + (z.charAt(i) - '0');
      }
    }
    return neg ? -v : v;
  }

  /** Splits a dot-command line into arguments the way the shell does (quotes, backslashes in "..."). */
  static List<String> parse(byte[] line) {
    List<String> args = new ArrayList<>();
    int h = 1;
    int n = line.length;
    while (h < n) {
      while (h < n && QuickScan.isSpace(line[h] & 0xff)) {
        h++;
      }
      if (h >= n) {
        break;
      }
      ByteArrayOutputStream arg = new ByteArrayOutputStream();
      if (line[h] == '\'' || line[h] == '"') {
        byte delim = line[h++];
        while (h < n && line[h] != delim) {
          if (line[h] == '\\' && delim == '"' && h + 1 < n) {
            h++;
            arg.write(escape(line[h]));
          } else {
            arg.write(line[h]);
          }
          h++;
        }
        if (h < n) {
          h++;
        }
      } else {
        while (h < n && !QuickScan.isSpace(line[h] & 0xff)) {
          arg.write(line[h++]);
        }
      }
      args.add(arg.toString(StandardCharsets.UTF_8));
    }
    return args;
  }

  private static int escape(byte c) {
    return switch (c) {
      case 'a' -> 7;
      case 'b' -> '\b';
      case 'e' -> 27;
      case 'f' -> '\f';
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'v' -> 11;
      default -> c;
    };
  }
}
