package dev.actorkv.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.store.KeyValue;
import dev.actorkv.testing.StoreFixture;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A backup carries each actor's metadata (the record the layers above the store keep beside its keys:
 * a migrated actor's layout version, an unfinished copy's marker, an application's own) and a restore
 * puts it back byte-identically, or clears it when the backed-up actor had none; actors without metadata
 * keep the file forms of before.
 */
class BackupMetadataTest {
  @TempDir Path tmp;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "postgresql"})
  void metadataIsBackedUpAndRestoredByteIdentically(String engine) throws Exception {
    Path dest = tmp.resolve("dest");
    byte[] meta = new byte[ActorBatch.MAX_METADATA_BYTES];
    new java.util.Random(3).nextBytes(meta);
    try (StoreFixture fixture = engine.equals("rocksdb") ? StoreFixture.rocksDb() : StoreFixture.postgres("backup-meta");
        ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("with-metadata");
      a.commit(a.batch().put(ActorKeys.persistedData(), b("state")).setMetadata(meta));
      ActorKeyspace both = store.actor("with-both");
      both.commit(both.batch().put(ActorKeys.persistedData(), b("s")).setMetadata(b("m"))
          .setAlarm("x", Instant.parse("2031-01-01T00:00:00Z"), b("p")));
      store.actor("without").put(ActorKeys.persistedData(), b("plain"));
      Backups.backup(store, dest);
    }
    try (StoreFixture target = StoreFixture.rocksDb(); ActorStore restored = target.open()) {
      // "without" held other metadata before the restore: the backup's actor had none, so it is cleared.
      ActorKeyspace stale = restored.actor("without");
      stale.commit(stale.batch().put(ActorKeys.persistedData(), b("old")).setMetadata(b("stale")));
      Backups.restore(dest, null, restored, List.of(), true);
      assertArrayEquals(meta, restored.actor("with-metadata").metadata());
      assertArrayEquals(b("m"), restored.actor("with-both").metadata());
      assertEquals(List.of(new Alarm("x", Instant.parse("2031-01-01T00:00:00Z"), b("p"))), restored.actor("with-both").alarms());
      assertNull(restored.actor("without").metadata());
      assertArrayEquals(b("plain"), restored.actor("without").get(ActorKeys.persistedData()));
    }
    List<String> magics = new ArrayList<>();
    try (var files = Files.list(dest.resolve("objects"))) {
      for (Path f : files.toList()) {
        magics.add(new String(Arrays.copyOf(Files.readAllBytes(f), 8), StandardCharsets.US_ASCII));
      }
    }
    magics.sort(null);
    assertEquals(List.of("AKVBAK01", "AKVBAK03", "AKVBAK03"), magics);
  }

  @Test
  void aFileWithMetadataReadsBackAndDamageIsReported() throws Exception {
    List<KeyValue> entries = List.of(new KeyValue(ActorKeys.persistedData(), b("v")));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ActorFile.write(entries.iterator(), List.of(), b("meta"), out);
    // AKVBAK03, the entry, its end marker, no alarms (an end marker), then length 4 and the metadata.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(b("AKVBAK03"));
    expected.write(new byte[] {0, 0, 0, 1, 1, 0, 0, 0, 1, 'v', -1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 4});
    expected.write(b("meta"));
    assertArrayEquals(expected.toByteArray(), out.toByteArray());

    List<byte[]> metadata = new ArrayList<>();
    ActorFile.read(new ByteArrayInputStream(out.toByteArray()), "x", kv -> {}, a -> {}, metadata::add);
    assertEquals(1, metadata.size());
    assertArrayEquals(b("meta"), metadata.get(0));

    byte[] truncated = Arrays.copyOf(out.toByteArray(), out.size() - 1);
    assertThrows(CorruptBackupException.class,
        () -> ActorFile.read(new ByteArrayInputStream(truncated), "x", k -> {}, x -> {}, m -> {}));
    byte[] empty = Arrays.copyOf(out.toByteArray(), out.size() - 4);
    empty[empty.length - 1] = 0; // a metadata length of 0 behind the AKVBAK03 magic
    assertThrows(CorruptBackupException.class,
        () -> ActorFile.read(new ByteArrayInputStream(empty), "x", k -> {}, x -> {}, m -> {}));
  }
}
