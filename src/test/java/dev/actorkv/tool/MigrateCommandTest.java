package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.migrate.LegacyFixture;
import dev.actorkv.migrate.RawStore;
import dev.actorkv.store.ActorStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateCommandTest {
  @TempDir Path dir;

  private Path storeWithTwoLegacyActors(TreeMap<byte[], byte[]> legacy) {
    Path db = dir.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      LegacyFixture.write(store.actor("a"), legacy);
      LegacyFixture.write(store.actor("b"), legacy);
      LegacyFixture.write(store.actor("v1-only"), Map.of(new byte[] {0x01}, new byte[] {1}));
    }
    return db;
  }

  @Test
  void dryRunListsEveryLegacyKeyAndWritesNothing() throws Exception {
    TreeMap<byte[], byte[]> legacy = LegacyFixture.legacyContents(1, 3);
    Path db = storeWithTwoLegacyActors(legacy);
    Map<String, String> before = RawStore.dump(db);
    CliRun r = run("migrate", db.toString(), "--dry-run", "--actor", "a");
    assertEquals(0, r.exit(), r.err());
    assertEquals(before, RawStore.dump(db));
    List<String> lines = r.out().lines().toList();
    long legacyCount = LegacyFixture.legacyCount(legacy);
    List<String> json = lines.stream().filter(l -> l.startsWith("{")).toList();
    assertEquals(legacyCount, json.size());
    JsonNode first = Json.MAPPER.readTree(json.getFirst());
    assertEquals("a", first.get("actor").asText());
    assertEquals("move", first.get("action").asText());
    assertEquals("050000000000000001", first.get("key").asText());
    assertEquals("0501020000000000000001", first.get("to").asText());
    assertEquals("queue", first.get("describe").get("namespace").asText());
    assertEquals(0, first.get("describe").get("version").asInt());
    assertTrue(json.stream().anyMatch(l -> l.contains("\"action\":\"drop\"") && l.contains("\"to\":null")));
    assertTrue(r.out().contains("dry run, nothing written: 1 of 1 actor had legacy keys"), r.out());
    assertTrue(r.out().contains("actor \"a\" queue: "), r.out());
  }

  @Test
  void realRunMigratesEveryActorAndEndsWithCountsPerNamespace() throws Exception {
    TreeMap<byte[], byte[]> legacy = LegacyFixture.legacyContents(2, 3);
    Path db = storeWithTwoLegacyActors(legacy);
    CliRun r = run("migrate", db.toString(), "--batch-size", "4");
    assertEquals(0, r.exit(), r.err());
    long queue = legacy.keySet().stream().filter(k -> k[0] == 0x05 || k[0] == 0x06).count();
    assertTrue(r.out().contains("actor \"a\" queue: " + queue + " moved, 0 dropped"), r.out());
    assertTrue(r.out().contains("actor \"b\" workflow: "), r.out());
    assertTrue(r.out().contains("1 dropped"), r.out());
    assertTrue(r.out().contains("actor \"a\" traces: "), r.out());
    assertTrue(r.out().contains("actor \"a\" sqlite: "), r.out());
    assertTrue(r.out().contains("migrated: 2 of 3 actors had legacy keys"), r.out());
    assertFalse(r.out().contains("v1-only\" "), r.out());
    try (ActorStore store = ActorStore.open(db)) {
      for (String id : List.of("a", "b")) {
        assertEquals(LegacyFixture.hex(LegacyFixture.expectedV1(legacy)), LegacyFixture.hex(LegacyFixture.read(store.actor(id))));
        assertEquals(1, dev.actorkv.migrate.Migrations.layoutVersion(store.actor(id)));
      }
    }
    Map<String, String> after = RawStore.dump(db);
    CliRun again = run("migrate", db.toString());
    assertEquals(0, again.exit());
    assertTrue(again.out().contains("migrated: 0 of 3 actors had legacy keys; total 0 moved"), again.out());
    assertEquals(after, RawStore.dump(db), "a second run writes nothing");
  }

  @Test
  void actorOptionMigratesOnlyThatActor() {
    Path db = storeWithTwoLegacyActors(LegacyFixture.legacyContents(3, 2));
    assertEquals(0, run("migrate", db.toString(), "--actor", "b").exit());
    try (ActorStore store = ActorStore.open(db)) {
      assertEquals(0, dev.actorkv.migrate.Migrations.layoutVersion(store.actor("a")));
      assertEquals(1, dev.actorkv.migrate.Migrations.layoutVersion(store.actor("b")));
    }
  }

  @Test
  void conflictStopsThatActorWithExitOneAndTheOthersGoOn() {
    Path db = dir.resolve("db");
    try (ActorStore store = ActorStore.open(db)) {
      store.actor("a").put(LegacyKeys.queueMessage(1), new byte[] {1});
      store.actor("a").put(QueueKeys.message(1), new byte[] {2});
      store.actor("b").put(LegacyKeys.queueMessage(1), new byte[] {1});
    }
    CliRun r = run("migrate", db.toString());
    assertEquals(1, r.exit());
    assertTrue(r.err().contains("migration of actor \"a\" stopped: 1 key exists in both layouts"), r.err());
    assertTrue(r.err().contains("050000000000000001 -> 0501020000000000000001"), r.err());
    assertTrue(r.err().contains("--prefer legacy|v1"), r.err());
    try (ActorStore store = ActorStore.open(db)) {
      assertEquals(1, dev.actorkv.migrate.Migrations.layoutVersion(store.actor("b")));
      assertEquals(0, dev.actorkv.migrate.Migrations.layoutVersion(store.actor("a")));
    }
    CliRun dry = run("migrate", db.toString(), "--dry-run");
    assertTrue(dry.out().contains("\"action\":\"conflict\""), dry.out());
    assertTrue(dry.out().contains("1 conflicts (need --prefer legacy|v1)"), dry.out());

    CliRun resolved = run("migrate", db.toString(), "--prefer", "legacy");
    assertEquals(0, resolved.exit(), resolved.err());
    assertTrue(resolved.out().contains("1 conflicts resolved keeping legacy"), resolved.out());
    try (ActorStore store = ActorStore.open(db)) {
      assertArrayEquals(new byte[] {1}, store.actor("a").get(QueueKeys.message(1)));
    }
  }

  @Test
  void badArgumentsExitTwoWithAMessage() {
    Path db = storeWithTwoLegacyActors(LegacyFixture.legacyContents(4, 1));
    CliRun r = run("migrate", db.toString(), "--batch-size", "0");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("batch size must be in [1, 100000], got 0"), r.err());
    r = run("migrate", db.toString(), "--prefer", "both");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("--prefer must be legacy or v1"), r.err());
    Path missing = dir.resolve("missing");
    r = run("migrate", missing.toString(), "--dry-run");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("no store at"), r.err());
    assertFalse(Files.exists(missing), "a dry run creates no store");
    r = run("migrate", missing.toString(), "--batch-size", "0");
    assertEquals(2, r.exit());
    assertFalse(Files.exists(missing), "bad arguments create no store");
    r = run("migrate");
    assertEquals(2, r.exit());
    assertFalse(r.err().contains("Exception"), r.err());
  }
}
