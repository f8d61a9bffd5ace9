package dev.actorkv.store;

import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** Exact storage counts with remembered lengths, on the PostgreSQL engine. */
class PostgresKnownLengthsProperties extends KnownLengthsProperties {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("known_lengths");
  }

  @Override
  @Property(tries = 25)
  void storageCountStaysExact(@ForAll("programs") List<Step> program) throws IOException {
    super.storageCountStaysExact(program);
  }
}
