package dev.actorkv.store;

import dev.actorkv.testing.StoreFixture;

/** {@link EngineContractTest} on the PostgreSQL engine. */
class PostgresEngineContractTest extends EngineContractTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("contract");
  }
}
