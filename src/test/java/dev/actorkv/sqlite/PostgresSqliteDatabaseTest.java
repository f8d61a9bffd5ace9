package dev.actorkv.sqlite;

import dev.actorkv.testing.StoreFixture;

/** {@link SqliteDatabaseTest} on the PostgreSQL engine. */
class PostgresSqliteDatabaseTest extends SqliteDatabaseTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("sqlite");
  }
}
