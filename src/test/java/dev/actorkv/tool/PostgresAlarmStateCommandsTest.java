package dev.actorkv.tool;

import dev.actorkv.testing.StoreFixture;

/** {@link AlarmStateCommandsTest} with the exported, imported and copied-from store on PostgreSQL. */
class PostgresAlarmStateCommandsTest extends AlarmStateCommandsTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("alarmstate");
  }
}
