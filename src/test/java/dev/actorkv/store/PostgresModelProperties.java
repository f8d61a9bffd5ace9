package dev.actorkv.store;

import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** The store's model properties on the PostgreSQL engine (fewer tries: every step is a round trip). */
class PostgresModelProperties extends ActorStoreModelProperties {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("model");
  }

  @Override
  @Property(tries = 12)
  void storeMatchesPerActorModel(@ForAll("programs") List<Op> program) throws IOException {
    super.storeMatchesPerActorModel(program);
  }
}
