package dev.actorkv.store;

import dev.actorkv.testing.StoreFixture;

/** {@link AlarmStoreTest} on the PostgreSQL engine. */
class PostgresAlarmStoreTest extends AlarmStoreTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("alarms");
  }
}
