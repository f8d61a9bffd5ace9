package dev.actorkv.pekko;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.actorkv.testing.PostgresCluster;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.pekko.persistence.CapabilityFlag;
import org.apache.pekko.persistence.japi.journal.JavaJournalSpec;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** Pekko's journal TCK ({@code JavaJournalSpec}) against {@code actor-kv.journal}, on both engines. */
class ActorKvJournalTckTest {
  @TestFactory
  Stream<DynamicTest> onRocksDb(@TempDir Path dir) {
    return ScalaTestRun.of(new Tck(config(dir.resolve("store").toString())), "rocksdb: ");
  }

  @TestFactory
  Stream<DynamicTest> onPostgres() {
    return ScalaTestRun.of(new Tck(config(PostgresCluster.shared().newDatabase("pekko_journal"))), "postgresql: ");
  }

  static Config config(String store) {
    return ConfigFactory.parseString("""
        pekko.persistence.journal.plugin = "actor-kv.journal"
        pekko.persistence.snapshot-store.plugin = "actor-kv.snapshot-store"
        """).withValue("actor-kv.store", ConfigValueFactory.fromAnyRef(store));
  }

  /** The TCK with every optional capability the plugin has switched on. */
  static final class Tck extends JavaJournalSpec {
    Tck(Config config) {
      super(config);
    }

    @Override
    public CapabilityFlag supportsRejectingNonSerializableObjects() {
      return CapabilityFlag.on();
    }

    @Override
    public CapabilityFlag supportsSerialization() {
      return CapabilityFlag.on();
    }

    @Override
    public CapabilityFlag supportsMetadata() {
      return CapabilityFlag.on();
    }
  }
}
