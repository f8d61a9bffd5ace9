package dev.actorkv.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.store.ActorStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quick variant of fuzzing the managers' value decoders. */
class ValueFuzzQuickTest {
  @TempDir Path dir;

  @Test
  void valueDecodersGiveOnlyTypedErrors() throws Exception {
    try (ActorStore store = ActorStore.open(dir.resolve("db"))) {
      List<FuzzTarget> targets = new ArrayList<>(ValueFuzzTargets.pure());
      targets.addAll(ValueFuzzTargets.inStore(store));
      long seed = 100;
      for (FuzzTarget t : targets) {
        FuzzCampaign.Result r = new FuzzCampaign(t, seed++, 1000, Duration.ofSeconds(2)).run();
        assertEquals(List.of(), r.violations(), t.name());
        assertTrue(r.accepted() > 0 && r.rejected() > 0, t.name() + ": " + r);
      }
    }
  }
}
