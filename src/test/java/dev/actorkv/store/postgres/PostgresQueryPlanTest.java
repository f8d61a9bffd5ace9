package dev.actorkv.store.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every statement shape the engine sends is planned over the primary key's index, never a sequential
 * scan of a table, and ranges never sorted (the index gives their order, so a page stops after its
 * limit): on tables of tens of thousands of rows (analyzed), where a sequential scan is what the planner
 * chooses for a predicate the index cannot serve.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresQueryPlanTest {
  private StoreFixture.Postgres fixture;
  private Connection connection;
  private final byte[] actor = "plan-0".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  void fill() throws SQLException {
    fixture = (StoreFixture.Postgres) StoreFixture.postgres("plans");
    try (ActorStore store = fixture.open()) {
      for (int a = 0; a < 20; a++) {
        ActorBatch b = store.actor("plan-" + a).batch();
        for (int i = 0; i < (a == 0 ? 20_000 : 500); i++) {
          b.put(key(i), new byte[20]);
        }
        store.actor("plan-" + a).commit(b);
      }
    }
    // Many actors' records, as a store in use has.
    fixture.execute("INSERT INTO actorkv.actors (actor_id, commit_seq, storage_bytes)"
        + " SELECT convert_to('other-' || i, 'UTF8'), 1, 0 FROM generate_series(1, 20000) AS i");
    // Many alarms too: the alarm parts of the commit statement must use the alarms' primary key.
    fixture.execute("INSERT INTO actorkv.alarms (actor_id, name, due, payload)"
        + " SELECT convert_to('other-' || i, 'UTF8'), convert_to('alarm', 'UTF8'), i, ''::bytea FROM generate_series(1, 20000) AS i");
    fixture.execute("ANALYZE");
    String uri = fixture.uri();
    connection = DriverManager.getConnection(fixture.cluster().jdbcUrl(uri.substring(uri.lastIndexOf('/') + 1)));
  }

  @AfterAll
  void close() throws SQLException {
    if (connection != null) {
      connection.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  private static byte[] key(int i) {
    return String.format("\u0004k%05d", i).getBytes(StandardCharsets.UTF_8);
  }

  /** The plan of {@code sql} with {@code params} bound (EXPLAIN without ANALYZE: nothing is executed). */
  private String plan(String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement("EXPLAIN " + sql)) {
      for (int i = 0; i < params.length; i++) {
        switch (params[i]) {
          case byte[] b -> ps.setBytes(i + 1, b);
          case byte[][] arr -> ps.setArray(i + 1, connection.createArrayOf("bytea", arr));
          case Integer n -> ps.setInt(i + 1, n);
          case Long n -> ps.setLong(i + 1, n);
          case Boolean b -> ps.setBoolean(i + 1, b);
          case Long[] arr -> ps.setArray(i + 1, connection.createArrayOf("bigint", arr));
          default -> throw new IllegalArgumentException(params[i].toString());
        }
      }
      StringBuilder sb = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          sb.append(rs.getString(1)).append('\n');
        }
      }
      return sb.toString();
    }
  }

  private void assertIndexed(String plan) {
    assertFalse(plan.contains("Seq Scan"), plan);
    assertTrue(plan.contains("Index"), plan);
  }

  @Test
  void theTablesAreLargeEnoughThatASeqScanWouldShow() throws SQLException {
    // The control: a predicate on the value, which no index serves, is planned as a sequential scan.
    String plan = plan("SELECT key FROM actorkv.kv WHERE value = ?", (Object) new byte[20]);
    assertTrue(plan.contains("Seq Scan"), plan);
  }

  @Test
  void pointAndMultiKeyReads() throws SQLException {
    assertIndexed(plan(PostgresEngine.GET_SQL, actor, key(7)));
    byte[][] keys = {key(1), key(500), key(1499)};
    assertIndexed(plan(PostgresEngine.MULTI_GET_SQL, actor, keys));
    assertIndexed(plan(PostgresEngine.LENGTHS_SQL, actor, keys));
    assertIndexed(plan(PostgresEngine.READ_RECORD_SQL, actor));
    assertIndexed(plan(PostgresEngine.ACTOR_IDS_SQL, actor, 1000));
    assertIndexed(plan(PostgresEngine.FIRST_ACTOR_IDS_SQL, new byte[0], 1000));
  }

  @Test
  void rangesForwardAndBackwardWithLimits() throws SQLException {
    byte[] end = {(byte) 0xff};
    for (boolean reverse : new boolean[] {false, true}) {
      for (boolean after : new boolean[] {false, true}) {
        for (boolean sizes : new boolean[] {false, true}) {
          for (int limit : new int[] {1, 128, 1000}) {
            String plan = plan(PostgresEngine.rangeSql(reverse, after, sizes), actor, new byte[] {4}, end, limit);
            assertIndexed(plan);
            assertFalse(plan.contains("Sort"), "the index gives the order: " + plan);
            if (reverse) {
              assertTrue(plan.contains("Backward"), plan);
            }
          }
        }
      }
    }
  }

  @Test
  void commitStatementsAndRangeDeletes() throws SQLException {
    byte[][] keys = {key(1), key(2)};
    byte[][] begins = {key(10), key(500)};
    byte[][] ends = {key(20), key(900)};
    for (int shape = 0; shape < 64; shape++) {
      boolean deletes = (shape & 1) != 0;
      boolean puts = (shape & 2) != 0;
      boolean counted = (shape & 4) != 0;
      boolean ranges = (shape & 8) != 0;
      boolean alarmDeletes = (shape & 16) != 0;
      boolean alarmPuts = (shape & 32) != 0;
      List<Object> params = new ArrayList<>();
      if (counted) {
        params.addAll(List.of(actor, keys));
      }
      params.addAll(List.of(100L, new byte[] {8, 1}, actor, 3L, 1L));
      if (counted) {
        params.addAll(List.of(100L, 1000L));
      }
      if (ranges) {
        params.addAll(List.of(begins, ends, actor, keys));
      }
      if (deletes) {
        params.addAll(List.of(actor, keys));
      }
      if (puts) {
        params.addAll(List.of(actor, keys, keys));
      }
      if (alarmDeletes) {
        params.addAll(List.of(actor, keys));
      }
      if (alarmPuts) {
        params.addAll(List.of(actor, keys, new Long[] {1L, 2L}, keys));
      }
      String plan = plan(PostgresEngine.commitSql(deletes, puts, counted, ranges, alarmDeletes, alarmPuts), params.toArray());
      assertFalse(plan.contains("Seq Scan"), plan);
      if (ranges) {
        assertTrue(plan.contains("Index"), plan);
      }
    }
  }

  /** The parameters of the shared commit statement for {@code n} members (actors plan-0..), as SQL literals. */
  private static List<String> sharedCommitLiterals(int n) {
    List<String> index = new ArrayList<>();
    List<byte[]> ids = new ArrayList<>();
    List<String> numbers = new ArrayList<>();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      index.add(String.valueOf(i));
      ids.add(("plan-" + i).getBytes(StandardCharsets.UTF_8));
      numbers.add(String.valueOf(i + 1));
      keys.add(key(i));
    }
    String members = "'{" + String.join(",", index) + "}'::int[]";
    String longs = "'{" + String.join(",", numbers) + "}'::bigint[]";
    return List.of(members, bytea(ids), longs, longs, longs, bytea(ids), longs,
        members, bytea(keys), members, bytea(keys), members, bytea(keys), bytea(keys));
  }

  private static String bytea(List<byte[]> values) {
    List<String> out = new ArrayList<>();
    for (byte[] v : values) {
      out.add("'\\x" + java.util.HexFormat.of().formatHex(v) + "'::bytea");
    }
    return "ARRAY[" + String.join(",", out) + "]::bytea[]";
  }

  /**
   * The statement that commits the puts and deletes of one or many actors, and the one-put commit: over
   * the indexes both as the planner plans them for the values at hand and as the generic plan a prepared
   * statement settles on.
   */
  @Test
  void theSharedAndOnePutCommitStatementsCustomAndGeneric() throws SQLException {
    String[] rowsTypes = {"int[]", "bytea[]", "bigint[]", "bigint[]", "bigint[]", "bytea[]", "bigint[]",
        "int[]", "bytea[]", "int[]", "bytea[]", "int[]", "bytea[]", "bytea[]"};
    for (int members : new int[] {1, 20}) {
      assertPlansIndexed(GroupCommits.ROWS_SQL, rowsTypes, sharedCommitLiterals(members));
    }
    String id = bytea(List.of(actor)).replace("ARRAY[", "").replace("]::bytea[]", "");
    String k = bytea(List.of(key(1))).replace("ARRAY[", "").replace("]::bytea[]", "");
    assertPlansIndexed(PostgresEngine.onePutSql(false),
        new String[] {"bigint", "bytea", "bytea", "bigint", "bigint", "bytea", "bytea", "bytea"},
        List.of("100", "NULL", id, "3", "1", id, k, k));
    assertPlansIndexed(PostgresEngine.onePutSql(true),
        new String[] {"bytea", "bytea", "bigint", "bytea", "bytea", "bigint", "bigint", "bigint", "bigint", "bytea", "bytea", "bytea"},
        List.of(id, k, "100", "NULL", id, "3", "1", "100", "1000", id, k, k));
  }

  /** {@code sql} prepared with {@code types}, explained for {@code literals} with custom and with generic plans. */
  private void assertPlansIndexed(String sql, String[] types, List<String> literals) throws SQLException {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
    }
    assertTrue(n == types.length && n == literals.size(), n + " parameters");
    try (java.sql.Statement s = connection.createStatement()) {
      s.execute("PREPARE checked(" + String.join(",", types) + ") AS " + numbered);
      try {
        for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
          s.execute("SET plan_cache_mode = " + mode);
          StringBuilder plan = new StringBuilder();
          try (ResultSet rs = s.executeQuery("EXPLAIN EXECUTE checked(" + String.join(",", literals) + ")")) {
            while (rs.next()) {
              plan.append(rs.getString(1)).append('\n');
            }
          }
          assertIndexed(mode + ":\n" + plan);
        }
      } finally {
        s.execute("RESET plan_cache_mode");
        s.execute("DEALLOCATE checked");
      }
    }
  }
}
