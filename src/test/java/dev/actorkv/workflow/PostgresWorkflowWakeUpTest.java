package dev.actorkv.workflow;

import dev.actorkv.testing.StoreFixture;

/** {@link WorkflowWakeUpTest} on the PostgreSQL engine. */
class PostgresWorkflowWakeUpTest extends WorkflowWakeUpTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("wakeup");
  }
}
