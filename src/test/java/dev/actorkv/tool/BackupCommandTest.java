package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyspace backup / restore / backups}: a RocksDB backup restored into PostgreSQL and a PostgreSQL
 * backup into RocksDB export byte-identical and pass check; a second backup writes only what changed;
 * named actors refuse existing data unless --replace; a damaged backup is refused writing nothing; a
 * backup killed midway leaves the folder restoring the earlier backups.
 */
class BackupCommandTest {
  static final List<String> IDS = List.of("a", "a\0", "ab", "", "é🙂", "big");

  @TempDir Path tmp;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void populate(StoreFixture fixture, long seed) {
    CliRun demo = run("demo", fixture.location());
    assertEquals(0, demo.exit(), demo.err());
    Random random = new Random(seed);
    try (ActorStore store = fixture.open()) {
      for (String id : IDS) {
        ActorKeyspace a = store.actor(id);
        ActorBatch batch = a.batch();
        batch.put(ActorKeys.persistedData(), b("state of " + id + " " + seed))
            .put(ActorKeys.userKv(b("k\0\u00ff")), new byte[] {0, (byte) 0xff, 1});
        int n = id.equals("big") ? 1500 : 20;
        for (int i = 0; i < n; i++) {
          byte[] v = new byte[random.nextInt(300)];
          random.nextBytes(v);
          batch.put(ActorKeys.userKv(b("user " + i)), v);
        }
        a.commit(batch);
      }
    }
  }

  /** Every actor's export, by id. */
  static TreeMap<String, String> exports(String location) {
    CliRun dump = run("dump", location, "--json");
    assertEquals(0, dump.exit(), dump.err());
    TreeMap<String, String> out = new TreeMap<>();
    for (String line : dump.lines()) {
      String id = json(line).get("actor").asText();
      if (!out.containsKey(id)) {
        CliRun ex = run("export", location, "--actor", id);
        assertEquals(0, ex.exit(), ex.err());
        out.put(id, ex.out());
      }
    }
    return out;
  }

  static JsonNode json(String line) {
    try {
      return Json.MAPPER.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(line, e);
    }
  }

  static JsonNode backup(String db, Path dest) {
    CliRun r = run("backup", db, dest.toString());
    assertEquals(0, r.exit(), r.err());
    assertEquals(1, r.lines().size(), r.out());
    return json(r.lines().getFirst());
  }

  static void assertChecks(String location) {
    CliRun check = run("check", location);
    assertEquals(0, check.exit(), check.out() + check.err());
  }

  @Test
  void rocksDbBackupRestoresIntoPostgresAndPostgresBackupIntoRocksDb() {
    try (StoreFixture rocks = StoreFixture.rocksDb();
        StoreFixture pg = StoreFixture.postgres("backup");
        StoreFixture rocksAgain = StoreFixture.rocksDb()) {
      populate(rocks, 1);
      TreeMap<String, String> original = exports(rocks.location());
      assertTrue(original.keySet().containsAll(IDS), original.keySet().toString());
      assertChecks(rocks.location());

      JsonNode first = backup(rocks.location(), tmp.resolve("from-rocks"));
      assertEquals(1, first.get("backup").asLong());
      assertEquals(original.size(), first.get("actors").asLong());
      assertEquals("rocksdb", first.get("engine").asText());
      assertTrue(first.get("time").asText().endsWith("Z"), first.toString());

      CliRun restored = run("restore", tmp.resolve("from-rocks").toString(), pg.location());
      assertEquals(0, restored.exit(), restored.err());
      assertEquals(original.size(), restored.lines().size());
      assertEquals(original, exports(pg.location()));
      assertChecks(pg.location());

      JsonNode fromPg = backup(pg.location(), tmp.resolve("from-pg"));
      assertEquals("postgresql", fromPg.get("engine").asText());
      String target = tmp.resolve("restored-rocks").toString();
      CliRun back = run("restore", tmp.resolve("from-pg").toString(), target);
      assertEquals(0, back.exit(), back.err());
      assertEquals(original, exports(target));
      assertChecks(target);
      // The two engines wrote the same actor files: the backup form does not depend on the engine.
      assertEquals(objects(tmp.resolve("from-rocks")), objects(tmp.resolve("from-pg")));
    }
  }

  static Set<String> objects(Path dest) {
    try (Stream<Path> files = Files.list(dest.resolve("objects"))) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(java.util.TreeSet::new));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aSecondBackupWritesOnlyWhatChangedAndEveryBackupRestores() {
    try (StoreFixture rocks = StoreFixture.rocksDb()) {
      populate(rocks, 2);
      Path dest = tmp.resolve("dest");
      TreeMap<String, String> before = exports(rocks.location());
      JsonNode first = backup(rocks.location(), dest);
      try (ActorStore store = rocks.open()) {
        store.actor("a").put(ActorKeys.persistedData(), b("changed"));
      }
      TreeMap<String, String> after = exports(rocks.location());
      JsonNode second = backup(rocks.location(), dest);
      JsonNode third = backup(rocks.location(), dest);
      assertEquals(2, second.get("backup").asLong());
      assertEquals(3, third.get("backup").asLong());
      long firstNew = first.get("new_bytes").asLong();
      long secondNew = second.get("new_bytes").asLong();
      assertTrue(secondNew > 0 && secondNew * 20 < firstNew, "first " + first + ", second " + second);
      assertEquals(0, third.get("new_bytes").asLong(), third.toString());
      assertEquals(first.get("bytes").asLong() - b("state of a 2").length + b("changed").length,
          second.get("bytes").asLong());

      CliRun list = run("backups", dest.toString());
      assertEquals(0, list.exit(), list.err());
      assertEquals(List.of(first, second, third), list.lines().stream().map(BackupCommandTest::json).toList());

      String old = tmp.resolve("old").toString();
      CliRun r1 = run("restore", dest.toString(), old, "--backup", "1");
      assertEquals(0, r1.exit(), r1.err());
      assertEquals(before, exports(old));
      String latest = tmp.resolve("latest").toString();
      assertEquals(0, run("restore", dest.toString(), latest).exit());
      assertEquals(after, exports(latest));
      assertChecks(latest);
    }
  }

  @Test
  void namedActorsRefuseExistingDataUnlessReplace() {
    try (StoreFixture rocks = StoreFixture.rocksDb(); StoreFixture pg = StoreFixture.postgres("restore-actor")) {
      populate(rocks, 3);
      Path dest = tmp.resolve("dest");
      backup(rocks.location(), dest);
      TreeMap<String, String> original = exports(rocks.location());
      try (ActorStore store = pg.open()) {
        store.actor("a").put(ActorKeys.persistedData(), b("other data"));
        store.actor("zz").put(ActorKeys.persistedData(), b("unrelated"));
      }
      TreeMap<String, String> pgBefore = exports(pg.location());

      CliRun whole = run("restore", dest.toString(), pg.location());
      assertEquals(1, whole.exit(), whole.err());
      assertTrue(whole.err().contains("not empty"), whole.err());
      CliRun refused = run("restore", dest.toString(), pg.location(), "--actor", "a", "--actor", "a\0");
      assertEquals(1, refused.exit(), refused.err());
      assertTrue(refused.err().contains("--replace"), refused.err());
      assertEquals(pgBefore, exports(pg.location()), "a refused restore writes nothing");

      CliRun missing = run("restore", dest.toString(), pg.location(), "--actor", "nobody");
      assertEquals(2, missing.exit(), missing.err());

      CliRun replaced = run("restore", dest.toString(), pg.location(), "--actor", "a", "--actor", "a\0", "--replace");
      assertEquals(0, replaced.exit(), replaced.err());
      assertEquals(List.of("replaced", "restored"),
          replaced.lines().stream().map(l -> json(l).get("status").asText()).toList());
      TreeMap<String, String> now = exports(pg.location());
      assertEquals(original.get("a"), now.get("a"));
      assertEquals(original.get("a\0"), now.get("a\0"));
      assertEquals(pgBefore.get("zz"), now.get("zz"));
      assertFalse(now.containsKey("ab"));
    }
  }

  /**
   * restore takes the lease options of every writing command: an actor another live node owns exits 3
   * naming that node and nothing is written; once the owner is gone, restore writes under --node.
   */
  @Test
  void restoreIntoAnActorAnotherLiveNodeOwnsExitsThreeNamingItAndWritesNothing() {
    try (StoreFixture rocks = StoreFixture.rocksDb(); StoreFixture pg = StoreFixture.postgres("restore-owned")) {
      populate(rocks, 5);
      Path dest = tmp.resolve("dest");
      backup(rocks.location(), dest);
      TreeMap<String, String> original = exports(rocks.location());
      try (ActorStore init = pg.open()) {
        init.actor("ab").put(ActorKeys.persistedData(), b("before"));
      }
      TreeMap<String, String> before = exports(pg.location());
      try (ActorStore owner = dev.actorkv.store.postgres.PostgresEngine.openStore(pg.location(),
          dev.actorkv.store.StoreOptions.defaults(),
          dev.actorkv.store.postgres.LeaseOptions.defaults().withNode("node-a").withTtl(java.time.Duration.ofMinutes(1)))) {
        owner.actor("ab"); // node-a owns "ab" (a live lease) until this store closes
        CliRun refused = run("restore", dest.toString(), pg.location(), "--actor", "a", "--actor", "ab", "--replace",
            "--node", "restorer", "--lease-ttl", "2s");
        assertEquals(Errors.OWNERSHIP, refused.exit(), refused.err());
        assertTrue(refused.err().contains("owned by node-a"), refused.err());
        assertEquals("", refused.out());
        assertEquals(before, exports(pg.location()), "a refused restore writes nothing");
      }
      CliRun restored = run("restore", dest.toString(), pg.location(), "--actor", "a", "--actor", "ab", "--replace",
          "--node", "restorer", "--lease-ttl", "2s");
      assertEquals(0, restored.exit(), restored.err());
      TreeMap<String, String> now = exports(pg.location());
      assertEquals(original.get("a"), now.get("a"));
      assertEquals(original.get("ab"), now.get("ab"));
      CliRun owners = run("owners", pg.location(), "--actor", "ab");
      assertEquals(0, owners.exit(), owners.err());
      assertTrue(owners.out().contains("\"node\":\"restorer\""), owners.out());
      CliRun badTtl = run("restore", dest.toString(), pg.location(), "--actor", "a", "--replace", "--lease-ttl", "1ms");
      assertEquals(2, badTtl.exit(), badTtl.err());
    }
  }

  @Test
  void aDamagedBackupIsRefusedWritingNothing() throws IOException {
    try (StoreFixture rocks = StoreFixture.rocksDb()) {
      populate(rocks, 4);
      Path dest = tmp.resolve("dest");
      backup(rocks.location(), dest);
      List<Path> objects = new ArrayList<>();
      try (Stream<Path> files = Files.list(dest.resolve("objects"))) {
        files.sorted().forEach(objects::add);
      }
      Path victim = objects.stream().max((x, y) -> Long.compare(size(x), size(y))).orElseThrow();
      byte[] bytes = Files.readAllBytes(victim);
      bytes[bytes.length / 2] ^= 1;
      Files.write(victim, bytes);

      Path target = tmp.resolve("target");
      CliRun r = run("restore", dest.toString(), target.toString());
      assertEquals(1, r.exit(), r.err());
      assertTrue(r.err().contains("does not match its SHA-256 checksum"), r.err());
      assertFalse(r.err().contains("Exception"), r.err());
      assertFalse(Files.exists(target), "a refused restore creates no store");

      bytes[bytes.length / 2] ^= 1;
      Files.write(victim, bytes);
      Path manifest = dest.resolve("backups").resolve("1.manifest");
      String text = Files.readString(manifest).replace("\"keys\":", "\"keys\":1");
      Files.writeString(manifest, text);
      CliRun m = run("restore", dest.toString(), target.toString());
      assertEquals(1, m.exit(), m.err());
      assertTrue(m.err().contains("manifest of backup 1 does not match its SHA-256 checksum"), m.err());
      assertFalse(Files.exists(target));
      CliRun list = run("backups", dest.toString());
      assertEquals(1, list.exit());
      assertTrue(json(list.lines().getFirst()).has("error"), list.out());
    }
  }

  static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aBackupKilledMidwayLeavesTheEarlierBackupsRestorable() throws Exception {
    try (StoreFixture rocks = StoreFixture.rocksDb()) {
      populate(rocks, 6);
      Path dest = tmp.resolve("dest");
      backup(rocks.location(), dest);
      TreeMap<String, String> atFirst = exports(rocks.location());
      Set<String> firstObjects = objects(dest);
      // Enough new data that the second backup is still writing actor files well after the first lands.
      Random random = new Random(6);
      try (ActorStore store = rocks.open()) {
        for (int i = 0; i < 80; i++) {
          ActorKeyspace a = store.actor(String.format("bulk-%03d", i));
          ActorBatch batch = a.batch();
          for (int k = 0; k < 4; k++) {
            byte[] v = new byte[120_000];
            random.nextBytes(v);
            batch.put(ActorKeys.userKv(b("v" + k)), v);
          }
          a.commit(batch);
        }
      }
      List<String> cmd = new ArrayList<>(CliProcess.command(List.of()));
      cmd.addAll(List.of("backup", rocks.location(), dest.toString()));
      Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (objects(dest).size() <= firstObjects.size() && p.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(2);
        }
        assertTrue(p.isAlive(), "the backup was still running when killed");
        assertTrue(objects(dest).size() > firstObjects.size(), "the backup had started writing actor files");
      } finally {
        p.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        p.waitFor();
      }
      assertFalse(Files.exists(dest.resolve("backups").resolve("2.manifest")), "the killed backup is not complete");

      CliRun list = run("backups", dest.toString());
      assertEquals(0, list.exit(), list.err());
      assertEquals(1, list.lines().size(), list.out());
      String restored = tmp.resolve("restored").toString();
      CliRun r = run("restore", dest.toString(), restored);
      assertEquals(0, r.exit(), r.err());
      assertEquals(atFirst, exports(restored));

      // The next backup completes as number 2, removing what the killed one left behind.
      TreeMap<String, String> now = exports(rocks.location());
      assertEquals(2, backup(rocks.location(), dest).get("backup").asLong());
      try (Stream<Path> files = Stream.concat(Files.list(dest.resolve("objects")), Files.list(dest.resolve("backups")))) {
        assertEquals(List.of(), files.filter(f -> f.getFileName().toString().startsWith(".tmp-")).toList());
      }
      String latest = tmp.resolve("latest").toString();
      assertEquals(0, run("restore", dest.toString(), latest).exit());
      assertEquals(now, exports(latest));
    }
  }

  @Test
  void usageErrors() throws IOException {
    Path notAFolder = tmp.resolve("other");
    Files.createDirectories(notAFolder);
    Files.writeString(notAFolder.resolve("file.txt"), "x");
    try (StoreFixture rocks = StoreFixture.rocksDb()) {
      populate(rocks, 5);
      CliRun r = run("backup", rocks.location(), notAFolder.toString());
      assertEquals(2, r.exit(), r.err());
      assertTrue(r.err().contains("not a backup folder"), r.err());
    }
    assertEquals(2, run("backups", tmp.resolve("missing").toString()).exit());
    assertEquals(2, run("restore", notAFolder.toString(), tmp.resolve("db").toString()).exit());
    assertFalse(Files.exists(tmp.resolve("db")));
  }
}
