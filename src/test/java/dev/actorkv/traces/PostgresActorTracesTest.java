package dev.actorkv.traces;

import dev.actorkv.testing.StoreFixture;

/** {@link ActorTracesTest} on the PostgreSQL engine. */
class PostgresActorTracesTest extends ActorTracesTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("traces");
  }
}
