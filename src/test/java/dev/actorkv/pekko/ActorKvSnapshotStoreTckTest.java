package dev.actorkv.pekko;

import com.typesafe.config.Config;
import dev.actorkv.testing.PostgresCluster;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.snapshot.JavaSnapshotStoreSpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Pekko's snapshot-store TCK ({@code JavaSnapshotStoreSpec}) against {@code actor-kv.snapshot-store}, on both engines. */
class ActorKvSnapshotStoreTckTest {
  @TestFactory
  Stream<DynamicTest> onRocksDb(@TempDir Path dir) {
    return ScalaTestRun.of(new Tck(ActorKvJournalTckTest.config(dir.resolve("store").toString())), "rocksdb: ");
  }

  @TestFactory
  Stream<DynamicTest> onPostgres() {
    return ScalaTestRun.of(new Tck(ActorKvJournalTckTest.config(PostgresCluster.shared().newDatabase("pekko_snapshots"))), "postgresql: ");
  }

  static final class Tck extends JavaSnapshotStoreSpec {
    Tck(Config config) {
      super(config);
    }

    @Override
    public CapabilityFlag supportsSerialization() {
      return CapabilityFlag.on();
    }
  }
}
