package dev.actorkv.workflow;

import dev.actorkv.testing.StoreFixture;

/** {@link WorkflowEngineTest} on the PostgreSQL engine. */
class PostgresWorkflowEngineTest extends WorkflowEngineTest {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("workflow");
  }
}
