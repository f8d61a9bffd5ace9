package dev.actorkv.tool;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The run the {@code ./keyspace} launcher trains its JDK AOT cache with (JEP 483/514/515): the demo,
 * then a {@code sql} session on the demo store that inserts in a transaction, queries, prints in every
 * output mode and runs the dot-commands, so the classes, linked native calls and method profiles of
 * both are in the cache. Usage: {@code AotTraining SCRATCH_DIR}; exits with the first failure's status.
 */
final class AotTraining {
  private AotTraining() {}

  private static final String SQL = """
      CREATE TABLE IF NOT EXISTS training(id INTEGER PRIMARY KEY, k TEXT NOT NULL, n INTEGER, r REAL, b BLOB);
      CREATE INDEX IF NOT EXISTS training_k ON training(k);
      BEGIN;
      """ + "INSERT INTO training(k, n, r, b) VALUES ('key-' || random(), 42, 1.5, x'00ff');\n".repeat(300) + """
      COMMIT;
      SELECT id, k, n, r, b FROM training WHERE id = 7;
      SELECT count(*), sum(n), avg(r) FROM training WHERE k BETWEEN 'key-1' AND 'key-9';
      UPDATE training SET n = n + 1 WHERE id < 100;
      SELECT nope;
      .headers on
      .mode csv
      SELECT * FROM training LIMIT 3;
      .mode json
      SELECT * FROM training LIMIT 3;
      .mode line
      SELECT * FROM training LIMIT 3;
      .mode list
      .tables
      .schema training
      DROP TABLE training;
      """;

  public static void main(String[] args) {
    Path db = Path.of(args[0]).resolve("db");
    int demo = KeyspaceCli.commandLine().execute("demo", db.toString());
    System.setIn(new ByteArrayInputStream(SQL.getBytes(StandardCharsets.UTF_8)));
    int sql = KeyspaceCli.commandLine().execute("sql", db.toString(), "--actor", "training");
    System.out.flush();
    // The SQL holds one failing statement on purpose (the error path is trained too): sql exits 1.
    System.exit(demo != 0 ? demo : sql == 1 ? 0 : 70);
  }
}
