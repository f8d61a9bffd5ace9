package dev.actorkv.alarm;

import dev.actorkv.testing.StoreFixture;

/** {@link AlarmSchedulerTest} on the PostgreSQL engine. */
class PostgresAlarmSchedulerTest extends AlarmSchedulerTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("scheduler");
  }
}
