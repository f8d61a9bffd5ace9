package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.testing.StoreFixture;
import org.junit.jupiter.api.Test;

/** {@link AlarmStateCommandsTest} with the exported, imported and copied-from store on PostgreSQL. */
class PostgresAlarmStateCommandsTest extends AlarmStateCommandsTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("alarmstate");
  }

  /**
   * On PostgreSQL the due-time index is the database's own and cannot drift from the rows; what check
   * still finds is an alarm row no actor owns (written under the store, as a damaged or hand-edited
   * database has).
   */
  @Test
  @Override
  void checkReportsADamagedDueIndex() throws Exception {
    populate(fixture);
    CliRun clean = run("check", fixture.location());
    assertEquals(0, clean.exit(), clean.out());
    ((StoreFixture.Postgres) fixture).execute("INSERT INTO actorkv.alarms (actor_id, name, due, payload)"
        + " VALUES (convert_to('ghost', 'UTF8'), convert_to('wake', 'UTF8'), 0, ''::bytea)");
    CliRun damaged = run("check", fixture.location());
    assertEquals(1, damaged.exit(), damaged.out());
    assertTrue(damaged.out().contains("ghost"), damaged.out());
  }
}
