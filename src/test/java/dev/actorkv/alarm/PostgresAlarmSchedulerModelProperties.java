package dev.actorkv.alarm;

import dev.actorkv.testing.StoreFixture;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

/** {@link AlarmSchedulerModelProperties} on PostgreSQL (fewer tries: every step is a round trip). */
class PostgresAlarmSchedulerModelProperties extends AlarmSchedulerModelProperties {
  @Override
  StoreFixture newFixture() {
    return StoreFixture.postgres("alarm-model");
  }

  @Override
  @Property(tries = 10)
  void schedulerMatchesModel(@ForAll("programs") List<Op> program) {
    super.schedulerMatchesModel(program);
  }
}
