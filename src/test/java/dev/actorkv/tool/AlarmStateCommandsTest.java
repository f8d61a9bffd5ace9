package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Alarm;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alarms are actor state for the tool: export writes them after the keys, import reads them back
 * (validated like key lines, in the same atomic write), copy carries them. {@link PostgresAlarmStateCommandsTest}
 * runs the same on PostgreSQL.
 */
class AlarmStateCommandsTest {
  static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

  @TempDir Path tmp;
  StoreFixture fixture;
  StoreFixture other;

  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeEach
  void open() {
    fixture = newFixture();
    other = StoreFixture.rocksDb();
  }

  @AfterEach
  void close() {
    fixture.close();
    other.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static final List<Alarm> ALARMS = List.of(
      new Alarm("b-later", T0.plusMillis(1500), new byte[] {0, (byte) 0xff, 7}),
      new Alarm("a-sooner", T0, new byte[0]),
      new Alarm("é🙂 \"quoted\"", Alarm.MAX_DUE, new byte[Alarm.MAX_PAYLOAD_BYTES]),
      new Alarm("epoch", Alarm.MIN_DUE, b("payload")));

  void populate(StoreFixture f) {
    try (ActorStore store = f.open()) {
      ActorKeyspace a = store.actor("a");
      var batch = a.batch().put(ActorKeys.persistedData(), b("state")).put(ActorKeys.userKv(b("k")), new byte[] {1, 0});
      ALARMS.forEach(batch::setAlarm);
      a.commit(batch);
      ActorKeyspace n = store.actor("neighbour");
      n.commit(n.batch().put(ActorKeys.persistedData(), b("n")).setAlarm("not-mine", T0, new byte[0]));
    }
  }

  @Test
  void exportWritesTheAlarmsAfterTheKeysAndImportRestoresThemByteIdentically() throws Exception {
    populate(fixture);
    CliRun export = run("export", fixture.location(), "--actor", "a");
    assertEquals(0, export.exit(), export.err());
    List<String> lines = export.lines();
    assertEquals(2 + ALARMS.size(), lines.size(), export.out());
    assertTrue(lines.get(0).startsWith("{\"key\":") && lines.get(1).startsWith("{\"key\":"), export.out());
    // By name, UTF-8 byte order.
    assertEquals("{\"alarm\":\"a-sooner\",\"due\":\"2030-01-01T00:00:00.000Z\",\"payload\":\"\"}", lines.get(2));
    assertEquals("{\"alarm\":\"b-later\",\"due\":\"2030-01-01T00:00:01.500Z\",\"payload\":\"00ff07\"}", lines.get(3));
    assertEquals("{\"alarm\":\"epoch\",\"due\":\"1970-01-01T00:00:00.000Z\",\"payload\":\"7061796c6f6164\"}", lines.get(4));
    assertTrue(lines.get(5).startsWith("{\"alarm\":\"é🙂 \\\"quoted\\\"\",\"due\":\"9999-12-31T23:59:59.999Z\",\"payload\":\"0000"), lines.get(5));
    assertFalse(export.out().contains("not-mine"));

    Path file = tmp.resolve("a.jsonl");
    Files.writeString(file, export.out());
    CliRun imp = run("import", other.location(), "--actor", "copy-of-a", "--in", file.toString());
    assertEquals(0, imp.exit(), imp.err());
    try (ActorStore store = other.open()) {
      List<Alarm> expected = ALARMS.stream().sorted((x, y) -> java.util.Arrays.compareUnsigned(b(x.name()), b(y.name()))).toList();
      assertEquals(expected, store.actor("copy-of-a").alarms());
      assertEquals(List.of(), store.checkAlarms());
    }
    assertEquals(export.out(), run("export", other.location(), "--actor", "copy-of-a").out());
  }

  @Test
  void aBadAlarmLineIsRefusedLikeABadKeyLineAndNothingIsWritten() throws Exception {
    fixture.open().close();
    String good1 = "{\"key\":\"01\",\"value\":\"6869\"}";
    String good2 = "{\"alarm\":\"fine\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"00\"}";
    List<String[]> bad = List.of(
        new String[] {"{\"alarm\":\"\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"\"}", "empty"},
        new String[] {"{\"alarm\":\"" + "n".repeat(Alarm.MAX_NAME_BYTES + 1) + "\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"\"}", "257"},
        new String[] {"{\"alarm\":\"\\ud800\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"\"}", "Unicode"},
        new String[] {"{\"alarm\":7,\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"\"}", "must be a string"},
        new String[] {"{\"alarm\":\"x\",\"due\":\"tomorrow\",\"payload\":\"\"}", "not an ISO-8601 time"},
        new String[] {"{\"alarm\":\"x\",\"due\":\"1969-12-31T23:59:59Z\",\"payload\":\"\"}", "outside"},
        new String[] {"{\"alarm\":\"x\",\"due\":\"+10000-01-01T00:00:00Z\",\"payload\":\"\"}", "outside"},
        new String[] {"{\"alarm\":\"x\",\"due\":12,\"payload\":\"\"}", "must be an ISO-8601 UTC time string"},
        new String[] {"{\"alarm\":\"x\",\"payload\":\"\"}", "missing field \"due\""},
        new String[] {"{\"alarm\":\"x\",\"due\":\"2030-01-01T00:00:00Z\"}", "missing field \"payload\""},
        new String[] {"{\"alarm\":\"x\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"0g\"}", "not valid hex"},
        new String[] {"{\"alarm\":\"x\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"" + "00".repeat(Alarm.MAX_PAYLOAD_BYTES + 1) + "\"}", "4097"},
        new String[] {"{\"alarm\":\"fine\",\"due\":\"2031-01-01T00:00:00Z\",\"payload\":\"\"}", "duplicate alarm \"fine\" (first on line 2)"},
        new String[] {"{\"alarm\":\"x\",\"due\":\"2030-01-01T00:00:00Z\",\"payload\":\"\",\"key\":\"01\"}", "unexpected field \"key\""});
    for (String[] c : bad) {
      Path in = tmp.resolve("in.jsonl");
      Files.writeString(in, good1 + "\n" + good2 + "\n" + c[0] + "\n" + "{\"key\":\"0463\",\"value\":\"00\"}\n");
      CliRun r = run("import", fixture.location(), "--actor", "x", "--in", in.toString());
      assertEquals(2, r.exit(), c[0]);
      assertTrue(r.err().contains("line 3: ") && r.err().contains(c[1]), c[0] + " -> " + r.err());
      assertTrue(r.err().contains("nothing was imported"), r.err());
      assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), r.err());
      try (ActorStore store = fixture.open()) {
        assertTrue(store.actor("x").scan(KeyRange.all(), 1).isEmpty(), "nothing written for " + c[0]);
        assertEquals(List.of(), store.actor("x").alarms(), c[0]);
      }
    }
  }

  @Test
  void importReplaceReplacesTheAlarmsAndAnActorWithAlarmsIsNotOverwrittenWithoutIt() throws Exception {
    try (ActorStore store = fixture.open()) {
      ActorKeyspace x = store.actor("x");
      x.commit(x.batch().setAlarm("old", T0, new byte[0]).setAlarm("kept", T0, new byte[0]));
    }
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"key\":\"01\",\"value\":\"6869\"}\n{\"alarm\":\"kept\",\"due\":\"2030-01-02T00:00:00.000Z\",\"payload\":\"01\"}\n");
    CliRun refused = run("import", fixture.location(), "--actor", "x", "--in", in.toString());
    assertEquals(2, refused.exit(), refused.err());
    assertTrue(refused.err().contains("2 alarms"), refused.err());
    CliRun replaced = run("import", fixture.location(), "--actor", "x", "--in", in.toString(), "--replace");
    assertEquals(0, replaced.exit(), replaced.err());
    try (ActorStore store = fixture.open()) {
      assertEquals(List.of(new Alarm("kept", Instant.parse("2030-01-02T00:00:00Z"), new byte[] {1})), store.actor("x").alarms());
      assertEquals(List.of(), store.checkAlarms());
    }
  }

  @Test
  void copyCarriesTheAlarms() {
    populate(fixture);
    CliRun copy = run("copy", fixture.location(), other.location());
    assertEquals(0, copy.exit(), copy.err());
    for (String id : List.of("a", "neighbour")) {
      assertEquals(run("export", fixture.location(), "--actor", id).out(), run("export", other.location(), "--actor", id).out(), id);
    }
    CliRun again = run("copy", fixture.location(), other.location());
    assertTrue(again.out().contains("\"status\":\"identical\""), again.out());
    assertFalse(again.out().contains("copied"), again.out());
    // Only an alarm differs: not identical any more, refused, then replaced.
    try (ActorStore store = other.open()) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setAlarm("extra", T0, new byte[0]));
    }
    CliRun refused = run("copy", fixture.location(), other.location(), "--actor", "a");
    assertEquals(1, refused.exit(), refused.out());
    assertTrue(refused.out().contains("\"status\":\"refused\""), refused.out());
    CliRun replaced = run("copy", fixture.location(), other.location(), "--actor", "a", "--replace");
    assertEquals(0, replaced.exit(), replaced.err());
    assertEquals(run("export", fixture.location(), "--actor", "a").out(), run("export", other.location(), "--actor", "a").out());
  }

  @Test
  void checkReportsADamagedDueIndex() throws Exception {
    populate(fixture);
    CliRun clean = run("check", fixture.location());
    assertEquals(0, clean.exit(), clean.out());
    // PostgresAlarmStateCommandsTest overrides this test: there the index is the database's own.
    // Delete the first entry of the store-wide due-time index (bookkeeping keys FF 05 ...) under the store.
    try (org.rocksdb.Options o = new org.rocksdb.Options(); org.rocksdb.RocksDB raw = org.rocksdb.RocksDB.open(o, fixture.location());
        org.rocksdb.RocksIterator it = raw.newIterator()) {
      it.seek(new byte[] {(byte) 0xff, 0x05});
      assertTrue(it.isValid() && it.key()[0] == (byte) 0xff && it.key()[1] == 0x05);
      raw.delete(it.key());
    }
    CliRun damaged = run("check", fixture.location());
    assertEquals(1, damaged.exit(), damaged.out());
    // The earliest alarm is actor a's "epoch" (due 1970).
    assertTrue(damaged.out().contains("store: alarms: missing index entry: actor \"a\", alarm \"epoch\""), damaged.out());
    assertTrue(damaged.lines().getLast().startsWith("1 problem in 2 actors"), damaged.out());
    CliRun onlyA = run("check", fixture.location(), "--actor", "a");
    assertEquals(1, onlyA.exit(), onlyA.out());
    CliRun onlyNeighbour = run("check", fixture.location(), "--actor", "neighbour");
    assertEquals(0, onlyNeighbour.exit(), onlyNeighbour.out());
  }
}
