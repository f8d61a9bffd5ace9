package dev.actorkv.queue;

import dev.actorkv.testing.StoreFixture;

/** {@link ActorQueueTest} on the PostgreSQL engine. */
class PostgresActorQueueTest extends ActorQueueTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("queue");
  }
}
