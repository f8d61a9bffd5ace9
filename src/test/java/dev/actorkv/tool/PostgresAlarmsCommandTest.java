package dev.actorkv.tool;

import dev.actorkv.testing.StoreFixture;

/** {@link AlarmsCommandTest} on a {@code postgresql://} URI. */
class PostgresAlarmsCommandTest extends AlarmsCommandTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("alarmscli");
  }
}
