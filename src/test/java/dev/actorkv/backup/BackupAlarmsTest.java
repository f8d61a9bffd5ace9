package dev.actorkv.backup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.keyspace.ActorKeys;
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

/** A backup carries each actor's alarms and restores them byte-identically; actors without alarms keep the old file form. */
class BackupAlarmsTest {
  @TempDir Path tmp;

  static final List<Alarm> ALARMS = List.of(
      new Alarm("a", Instant.parse("2030-01-01T00:00:00.001Z"), new byte[] {0, (byte) 0xff}),
      new Alarm("z", Alarm.MIN_DUE, new byte[0]),
      new Alarm("é🙂", Alarm.MAX_DUE, new byte[Alarm.MAX_PAYLOAD_BYTES])); // by name in UTF-8 byte order, as alarms() lists them

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rocksdb", "postgresql"})
  void alarmsAreBackedUpAndRestoredByteIdentically(String engine) throws Exception {
    Path dest = tmp.resolve("dest");
    try (StoreFixture fixture = engine.equals("rocksdb") ? StoreFixture.rocksDb() : StoreFixture.postgres("backup-alarms");
        ActorStore store = fixture.open()) {
      ActorKeyspace a = store.actor("with-alarms");
      var batch = a.batch().put(ActorKeys.persistedData(), b("state"));
      ALARMS.forEach(batch::setAlarm);
      a.commit(batch);
      store.actor("without").put(ActorKeys.persistedData(), b("plain"));
      Backups.backup(store, dest);
    }
    try (StoreFixture target = StoreFixture.rocksDb(); ActorStore restored = target.open()) {
      ActorKeyspace stale = restored.actor("with-alarms");
      stale.commit(stale.batch().put(ActorKeys.persistedData(), b("old")).setAlarm("stale", Instant.EPOCH, new byte[0]));
      assertThrows(RestoreConflictException.class, () -> Backups.restore(dest, null, restored, List.of(), false));
      Backups.restore(dest, null, restored, List.of(), true);
      assertEquals(ALARMS, restored.actor("with-alarms").alarms());
      assertArrayEquals(b("state"), restored.actor("with-alarms").get(ActorKeys.persistedData()));
      assertEquals(List.of(), restored.actor("without").alarms());
      assertEquals(List.of(), restored.checkAlarms());
    }
    // The actor without alarms is stored in the form backups had before alarms: AKVBAK01, keys, end marker.
    List<String> magics = new ArrayList<>();
    try (var files = Files.list(dest.resolve("objects"))) {
      for (Path f : files.toList()) {
        magics.add(new String(Arrays.copyOf(Files.readAllBytes(f), 8), StandardCharsets.US_ASCII));
      }
    }
    magics.sort(null);
    assertEquals(List.of("AKVBAK01", "AKVBAK02"), magics);
  }

  @Test
  void aFileWithoutAlarmsIsTheFormatOfBeforeAndAFileWithThemReadsBack() throws Exception {
    List<KeyValue> entries = List.of(new KeyValue(ActorKeys.persistedData(), b("v")));
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    ActorFile.write(entries.iterator(), List.of(), null, plain);
    // magic, then (4-byte length, key, 4-byte length, value) per entry, then FF FF FF FF: nothing else.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(b("AKVBAK01"));
    expected.write(new byte[] {0, 0, 0, 1, 1, 0, 0, 0, 1, 'v', -1, -1, -1, -1});
    assertArrayEquals(expected.toByteArray(), plain.toByteArray());

    ByteArrayOutputStream with = new ByteArrayOutputStream();
    ActorFile.write(entries.iterator(), ALARMS, null, with);
    List<KeyValue> keys = new ArrayList<>();
    List<Alarm> alarms = new ArrayList<>();
    ActorFile.read(new ByteArrayInputStream(with.toByteArray()), "x", keys::add, alarms::add, m -> { throw new AssertionError("no metadata"); });
    assertEquals(1, keys.size());
    assertEquals(ALARMS, alarms);
    byte[] truncated = Arrays.copyOf(with.toByteArray(), with.size() - 4);
    assertThrows(CorruptBackupException.class,
        () -> ActorFile.read(new ByteArrayInputStream(truncated), "x", k -> {}, x -> {}, m -> {}));
  }
}
