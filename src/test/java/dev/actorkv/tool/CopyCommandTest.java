package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.testing.StoreFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code keyspace copy}: RocksDB to PostgreSQL to RocksDB exports byte-identical; a second run finds
 * everything identical; a run cut short (some actors only) completes when run again; an actor DST holds
 * with other data is refused unless --replace.
 */
class CopyCommandTest {
  static final List<String> IDS = List.of("a", "a\0", "ab", "", "é🙂", "big");
  StoreFixture first;
  StoreFixture.Postgres middle;
  StoreFixture last;

  @BeforeEach
  void open() {
    first = StoreFixture.rocksDb();
    middle = (StoreFixture.Postgres) StoreFixture.postgres("copy");
    last = StoreFixture.rocksDb();
  }

  @AfterEach
  void close() {
    first.close();
    middle.close();
    last.close();
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  void populate(StoreFixture fixture) {
    Random random = new Random(11);
    try (ActorStore store = fixture.open()) {
      for (String id : IDS) {
        ActorKeyspace a = store.actor(id);
        ActorBatch batch = a.batch();
        batch.put(ActorKeys.persistedData(), b("state of " + id))
            .put(ActorKeys.userKv(b("k\0\u00ff")), new byte[] {0, (byte) 0xff, 1})
            .put(QueueKeys.metadata(), new byte[] {8, 1})
            .put(SqliteKeys.chunk(SqliteFile.MAIN, 0), new byte[4096])
            .put(LegacyKeys.queueMessage(7), b("old " + id));
        int n = id.equals("big") ? 1500 : 20;
        for (int i = 0; i < n; i++) {
          byte[] v = new byte[random.nextInt(300)];
          random.nextBytes(v);
          batch.put(QueueKeys.message(i + 1), v);
        }
        a.commit(batch);
      }
    }
  }

  private static List<String> statuses(CliRun r) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : r.lines()) {
      JsonNode n = Json.MAPPER.readTree(line);
      out.add(n.get("status").asText());
    }
    return out;
  }

  private void assertSameExports(StoreFixture x, StoreFixture y) {
    for (String id : IDS) {
      CliRun ex = run("export", x.location(), "--actor", id);
      CliRun ey = run("export", y.location(), "--actor", id);
      assertEquals(0, ex.exit(), ex.err());
      assertTrue(ex.out().length() > 1000, "actor " + id + " has data");
      assertEquals(ex.out(), ey.out(), "export of actor " + id);
    }
    assertEquals(run("dump", x.location(), "--json").out(), run("dump", y.location(), "--json").out());
  }

  @Test
  void rocksDbToPostgresToRocksDbIsByteIdenticalAndResumable() throws Exception {
    populate(first);
    // Cut short: only two actors reach PostgreSQL.
    CliRun partial = run("copy", first.location(), middle.location(), "--actor", "a\0", "--actor", "big");
    assertEquals(0, partial.exit(), partial.err());
    assertEquals(List.of("copied", "copied"), statuses(partial));
    // Run again: the rest is copied, the two found identical.
    CliRun rest = run("copy", first.location(), middle.location());
    assertEquals(0, rest.exit(), rest.err());
    assertEquals(List.of("copied", "copied", "identical", "copied", "identical", "copied"), statuses(rest));
    assertSameExports(first, middle);

    CliRun back = run("copy", middle.location(), last.location());
    assertEquals(0, back.exit(), back.err());
    assertSameExports(first, last);
    CliRun checkFirst = run("check", first.location());
    CliRun checkLast = run("check", last.location());
    assertEquals(checkFirst.exit(), checkLast.exit());
    assertEquals(checkFirst.out(), checkLast.out());
    CliRun again = run("copy", middle.location(), last.location());
    assertEquals(List.of("identical", "identical", "identical", "identical", "identical", "identical"), statuses(again));
  }

  @Test
  void anActorWithOtherDataIsRefusedUnlessReplaced() throws Exception {
    populate(first);
    try (ActorStore store = middle.open()) {
      store.actor("ab").put(b("\u0004other"), b("x"));
    }
    CliRun refused = run("copy", first.location(), middle.location());
    assertEquals(1, refused.exit(), refused.err());
    assertTrue(refused.err().contains("\"ab\" exists in"), refused.err());
    assertTrue(statuses(refused).contains("refused"));
    assertEquals("{\"key\":\"046f74686572\",\"value\":\"78\"}\n", run("export", middle.location(), "--actor", "ab").out(),
        "the refused actor is untouched");
    CliRun replaced = run("copy", first.location(), middle.location(), "--replace");
    assertEquals(0, replaced.exit(), replaced.err());
    assertTrue(statuses(replaced).contains("replaced"));
    assertSameExports(first, middle);
  }

  @Test
  void smallBatchesCopyByteIdenticallyAndAnUnfinishedActorIsCopiedAgain() throws Exception {
    populate(first);
    CliRun bad = run("copy", first.location(), middle.location(), "--batch-size", "0");
    assertEquals(2, bad.exit(), bad.err());
    assertTrue(bad.err().contains("--batch-size"), bad.err());
    // "ab" as an interrupted copy leaves it: a part of its keys, and the marker.
    try (ActorStore store = middle.open()) {
      ActorKeyspace ab = store.actor("ab");
      ab.commit(ab.batch().put(b("\u0004part"), b("x"))
          .setMetadata(dev.actorkv.migrate.CopyMarkers.begin(null, first.location())));
    }
    CliRun export = run("export", middle.location(), "--actor", "ab");
    assertEquals(1, export.exit());
    assertTrue(export.err().contains("unfinished copy from " + first.location()), export.err());
    CliRun copy = run("copy", first.location(), middle.location(), "--batch-size", "7");
    assertEquals(0, copy.exit(), copy.err());
    assertEquals(List.of("copied", "copied", "copied", "copied", "copied", "copied"), statuses(copy),
        "the unfinished actor is copied again, without --replace");
    assertSameExports(first, middle);
    try (ActorStore store = middle.open()) {
      for (String id : IDS) {
        assertEquals(null, store.actor(id).metadata(), id + ": no marker left");
      }
    }
  }

  /**
   * An actor's metadata (a migrated actor's layout version, an application's own record) is part of what
   * is copied: DST's actor ends with SRC's metadata, whether it took one batch or many (the marker of the
   * batches before the last is replaced by it); an actor differing only in its metadata is not identical.
   */
  @Test
  void metadataIsCopiedAndAnActorDifferingOnlyInItIsNotIdentical() throws Exception {
    populate(first);
    try (ActorStore store = first.open()) {
      for (String id : List.of("a", "big")) {
        ActorKeyspace a = store.actor(id);
        a.commit(a.batch().setMetadata(b("metadata of " + id)));
      }
    }
    CliRun copy = run("copy", first.location(), middle.location(), "--batch-size", "7");
    assertEquals(0, copy.exit(), copy.err());
    CliRun back = run("copy", middle.location(), last.location());
    assertEquals(0, back.exit(), back.err());
    for (StoreFixture fixture : List.of(middle, last)) {
      try (ActorStore store = fixture.open()) {
        for (String id : IDS) {
          byte[] expected = id.equals("a") || id.equals("big") ? b("metadata of " + id) : null;
          org.junit.jupiter.api.Assertions.assertArrayEquals(expected, store.actor(id).metadata(), id);
        }
      }
    }
    assertEquals(List.of("identical", "identical", "identical", "identical", "identical", "identical"),
        statuses(run("copy", first.location(), middle.location())));

    try (ActorStore store = middle.open()) {
      ActorKeyspace a = store.actor("a");
      a.commit(a.batch().setMetadata(b("other")));
      ActorKeyspace ab = store.actor("ab");
      ab.commit(ab.batch().setMetadata(b("other")));
    }
    CliRun refused = run("copy", first.location(), middle.location());
    assertEquals(1, refused.exit(), refused.err());
    assertEquals(List.of("identical", "refused", "identical", "refused", "identical", "identical"), statuses(refused),
        "in key order: \"\", a, a\\0, ab, big, é🙂");
    CliRun replaced = run("copy", first.location(), middle.location(), "--replace");
    assertEquals(0, replaced.exit(), replaced.err());
    try (ActorStore store = middle.open()) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(b("metadata of a"), store.actor("a").metadata());
      assertEquals(null, store.actor("ab").metadata(), "SRC's ab has none, so the copy clears it");
    }
  }
}
