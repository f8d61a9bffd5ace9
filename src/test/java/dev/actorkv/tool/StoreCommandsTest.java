package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.Limits;
import dev.actorkv.store.StoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** The store commands run in-process through {@link KeyspaceCli#commandLine()}, output captured. */
class StoreCommandsTest {
  @TempDir Path tmp;

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  Path db() {
    return tmp.resolve("db");
  }

  /** A store with neighbours whose ids prefix each other, every kind of key, and binary values. */
  void populate() {
    try (ActorStore store = ActorStore.open(db())) {
      for (String id : List.of("a", "a\0", "ab", "")) {
        ActorKeyspace a = store.actor(id);
        a.commit(a.batch()
            .put(ActorKeys.persistedData(), b("state of " + id))
            .put(ActorKeys.connection("c1"), b("conn"))
            .put(ActorKeys.userKv(b("k\0\u00ff")), new byte[] {0, (byte) 0xff, 1})
            .put(QueueKeys.metadata(), new byte[] {8, 1})
            .put(QueueKeys.message(1), b("m1"))
            .put(SqliteKeys.chunk(SqliteFile.MAIN, 0), new byte[4096])
            .put(LegacyKeys.queueMessage(7), b("old " + id)));
      }
    }
  }

  @Test
  void exportThenImportIntoAFreshStoreIsByteIdentical() throws Exception {
    populate();
    Path file = tmp.resolve("a.jsonl");
    CliRun export = run("export", db().toString(), "--actor", "a", "--out", file.toString());
    assertEquals(0, export.exit(), export.err());
    List<String> lines = Files.readAllLines(file);
    assertEquals(7, lines.size());
    CliRun stdout = run("export", db().toString(), "--actor", "a");
    assertEquals(String.join("\n", lines) + "\n", stdout.out(), "--out and stdout agree");
    for (String l : lines) {
      JsonNode n = Json.MAPPER.readTree(l);
      assertEquals(List.of("key", "value"), iterToList(n.fieldNames()));
    }

    Path fresh = tmp.resolve("fresh");
    ActorStore.open(fresh).close();
    CliRun imp = run("import", fresh.toString(), "--actor", "a", "--in", file.toString());
    assertEquals(0, imp.exit(), imp.err());
    try (ActorStore src = ActorStore.open(db()); ActorStore dst = ActorStore.open(fresh)) {
      List<KeyValue> want = src.actor("a").scan(KeyRange.all(), Integer.MAX_VALUE);
      assertEquals(want, dst.actor("a").scan(KeyRange.all(), Integer.MAX_VALUE));
      assertEquals(src.actor("a").storageBytes(), dst.actor("a").storageBytes());
      assertEquals(dst.actor("a").scanStorageBytes(), dst.actor("a").recordedStorageBytes());
      assertEquals(List.of("a"), dst.actorIds(), "nothing of another actor");
      assertEquals(0, dev.actorkv.migrate.Migrations.layoutVersion(dst.actor("a")), "legacy key imported as legacy");
    }
    CliRun again = run("export", fresh.toString(), "--actor", "a");
    assertEquals(stdout.out(), again.out());

    // Through stdin, into the NUL-extended neighbour's id.
    CliRun viaStdin = CliRun.withStdin(stdout.out(), "import", fresh.toString(), "--actor", "a\0");
    assertEquals(0, viaStdin.exit(), viaStdin.err());
    assertEquals(stdout.out(), run("export", fresh.toString(), "--actor", "a\0").out());
  }

  @Test
  void importIsAtomicAndNamesTheBadLine() throws Exception {
    ActorStore.open(db()).close();
    String good1 = "{\"key\":\"01\",\"value\":\"6869\"}";
    String good2 = "{\"key\":\"0461\",\"value\":\"\"}";
    List<String[]> bad = List.of(
        new String[] {"{\"key\":\"ff01\",\"value\":\"00\"}", "not a valid key"},
        new String[] {"{\"key\":\"0501\",\"value\":\"00\"}", "not a valid key"},
        new String[] {"{\"key\":\"01\",\"value\":\"00\"}", "duplicate key 01 (first on line 1)"},
        new String[] {"{\"key\":\"0462\",\"value\":\"0g\"}", "not valid hex"},
        new String[] {"{\"key\":\"0462\",\"value\":\"000\"}", "not valid hex"},
        new String[] {"{\"key\":\"0462\"}", "missing field \"value\""},
        new String[] {"{\"key\":\"0462\",\"value\":\"00\",\"x\":1}", "unexpected field \"x\""},
        new String[] {"{\"key\":\"0462\",\"value\":7}", "must be a hex string"},
        new String[] {"[1,2]", "expected an object"},
        new String[] {"{\"key\":", "not JSON"});
    for (String[] c : bad) {
      Path in = tmp.resolve("in.jsonl");
      Files.writeString(in, good1 + "\n" + good2 + "\n" + c[0] + "\n" + "{\"key\":\"0463\",\"value\":\"00\"}\n");
      CliRun r = run("import", db().toString(), "--actor", "x", "--in", in.toString());
      assertEquals(2, r.exit(), c[0]);
      assertTrue(r.err().contains("line 3: ") && r.err().contains(c[1]), c[0] + " -> " + r.err());
      assertFalse(r.err().contains("\tat "), "no stack trace");
      try (ActorStore store = ActorStore.open(db())) {
        assertTrue(store.actor("x").scan(KeyRange.all(), 1).isEmpty(), "nothing written for " + c[0]);
        assertEquals(0, store.actor("x").storageBytes());
      }
    }
  }

  @Test
  void importRefusesLimitViolationsAndExistingDataUnlessReplace() throws Exception {
    populate();
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"key\":\"0461\",\"value\":\"" + "00".repeat(128 * 1024 + 1) + "\"}\n");
    CliRun tooBig = run("import", db().toString(), "--actor", "new", "--in", in.toString());
    assertEquals(2, tooBig.exit());
    assertTrue(tooBig.err().contains("line 1: value size limit exceeded: 131073 bytes > maximum 131072 bytes"), tooBig.err());

    Files.writeString(in, "{\"key\":\"0461\",\"value\":\"00\"}\n");
    CliRun existing = run("import", db().toString(), "--actor", "a", "--in", in.toString());
    assertEquals(2, existing.exit());
    assertTrue(existing.err().contains("already has data"), existing.err());
    CliRun replace = run("import", db().toString(), "--actor", "a", "--in", in.toString(), "--replace");
    assertEquals(0, replace.exit(), replace.err());
    try (ActorStore store = ActorStore.open(db())) {
      assertEquals(List.of(new KeyValue(new byte[] {4, 0x61}, new byte[] {0})), store.actor("a").scan(KeyRange.all(), 10));
      assertEquals(3, store.actor("a").storageBytes());
      assertEquals(7, store.actor("a\0").scan(KeyRange.all(), 10).size(), "neighbour untouched");
    }
    CliRun missing = run("import", db().toString(), "--actor", "a", "--in", tmp.resolve("nope").toString());
    assertEquals(2, missing.exit());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }

  @Test
  void importChecksTheStoreQuotaNamingTheLine() throws Exception {
    Path small = tmp.resolve("small");
    ActorStore.open(small, StoreOptions.defaults().withLimits(Limits.DEFAULTS.withMaxStorageBytes(10))).close();
    // The CLI applies the default limits; exceeding the per-actor quota needs a big import, so check via
    // the total: 2 entries of 2-byte keys and 128 KiB values are fine, the quota is 10 GiB.
    Path in = tmp.resolve("in.jsonl");
    Files.writeString(in, "{\"key\":\"0461\",\"value\":\"00\"}\n{\"key\":\"" + "04" + "00".repeat(2048) + "\",\"value\":\"\"}\n");
    CliRun r = run("import", small.toString(), "--actor", "q", "--in", in.toString());
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("line 2: logical key size limit exceeded: 2049 bytes > maximum 2048 bytes"), r.err());
  }

  @Test
  void dumpJsonHasOneLinePerKeyInTheContractShape() throws Exception {
    populate();
    CliRun r = run("dump", db().toString(), "--json");
    assertEquals(0, r.exit(), r.err());
    List<String> lines = r.lines();
    assertEquals(4 * 7, lines.size());
    JsonNode first = Json.MAPPER.readTree(lines.get(0));
    assertEquals(List.of("actor", "key", "describe", "value_bytes"), iterToList(first.fieldNames()));
    assertEquals("", first.get("actor").textValue(), "actors in key order: \"\" first");
    assertEquals("01", first.get("key").textValue());
    assertEquals("{\"namespace\":\"persisted_data\"}", first.get("describe").toString());
    assertEquals(b("state of ").length, first.get("value_bytes").intValue());
    JsonNode legacy = Json.MAPPER.readTree(lines.stream().filter(l -> l.contains("\"key\":\"050000000000000007\"")).findFirst().orElseThrow());
    assertEquals(0, legacy.get("describe").get("version").intValue());

    CliRun one = run("dump", db().toString(), "--json", "--actor", "a\0", "--values");
    assertEquals(7, one.lines().size());
    for (String l : one.lines()) {
      JsonNode n = Json.MAPPER.readTree(l);
      assertEquals("a\0", n.get("actor").textValue());
      assertTrue(n.has("value"), l);
    }
    JsonNode persisted = Json.MAPPER.readTree(one.lines().get(0));
    assertEquals("state of a\0".replace("\0", "\u0000"), new String(hexToBytes(persisted.get("value").get("hex").textValue()), StandardCharsets.UTF_8));
    JsonNode user = Json.MAPPER.readTree(one.lines().stream().filter(l -> l.contains("user_kv")).findFirst().orElseThrow());
    assertEquals("00ff01", user.get("value").get("hex").textValue());
    assertFalse(user.get("value").has("utf8"), "binary value has no text");
    CliRun text = run("dump", db().toString(), "--actor", "ab", "--values");
    assertTrue(text.out().contains("01 = {\"hex\":\"7374617465206f66206162\",\"utf8\":\"state of ab\"}"), text.out());
  }

  @Test
  void dumpTreeHasCountsAndBytesPerNode() throws Exception {
    populate();
    try (Options o = new Options(); RocksDB raw = RocksDB.open(o, db().toString())) {
      // An undecodable key in actor "ab": queue namespace with an unknown version byte.
      byte[] prefix = dev.actorkv.tuple.Tuple.of("ab").pack();
      raw.put(concat(prefix, new byte[] {5, 9, 9}), new byte[] {1, 2});
    }
    CliRun r = run("dump", db().toString(), "--actor", "ab");
    assertEquals(0, r.exit(), r.err());
    String expected = String.join("\n",
        "actor pack(actor_id) \"ab\"  8 keys, 4169 bytes",
        "├── persisted_data [01]  1 key, 12 bytes",
        "├── connection [02] + utf8(conn_id)  1 key, 7 bytes",
        "├── user_kv [04] + user_key  1 key, 8 bytes",
        "├── queue [05]  2 keys, 18 bytes",
        "│   └── v1 [01]  2 keys, 18 bytes",
        "│       ├── metadata [01]  1 key, 5 bytes",
        "│       └── message [02] + u64be(id)  1 key, 13 bytes",
        "├── sqlite [08]  1 key, 4104 bytes",
        "│   └── v1 [01]  1 key, 4104 bytes",
        "│       └── chunk [01][tag] + u32be(chunk_index)  1 key, 4104 bytes",
        "├── legacy  1 key, 15 bytes",
        "│   └── queue  1 key, 15 bytes",
        "│       └── message [05] + u64be(id)  1 key, 15 bytes",
        "└── undecodable  1 key, 5 bytes",
        "    └── 050909: unknown queue storage version byte 0x09") + "\n";
    assertEquals(expected, r.out());
    CliRun all = run("dump", db().toString());
    assertEquals(4, all.lines().stream().filter(l -> l.startsWith("actor pack(actor_id) ")).count());
  }

  @Test
  void checkReportsProblemsAndPassesWhenClean() throws Exception {
    try (ActorStore store = ActorStore.open(db())) {
      store.actor("a").put(ActorKeys.persistedData(), b("x"));
      store.actor("b").put(ActorKeys.userKv(b("k")), b("y"));
    }
    CliRun clean = run("check", db().toString());
    assertEquals(0, clean.exit(), clean.out() + clean.err());
    assertEquals(List.of("ok: 2 actors, 2 keys checked"), clean.lines());

    populate();
    byte[] prefixB = dev.actorkv.tuple.Tuple.of("b").pack();
    try (Options o = new Options(); RocksDB raw = RocksDB.open(o, db().toString())) {
      raw.put(concat(prefixB, new byte[] {0x0a}), new byte[] {1}); // undecodable, and not counted
    }
    CliRun dirty = run("check", db().toString());
    assertEquals(1, dirty.exit(), dirty.out());
    String out = dirty.out();
    assertTrue(out.contains("actor \"b\": key 0a does not decode: unknown namespace byte 0x0a"), out);
    assertTrue(out.contains("actor \"b\": recorded storage count 3 bytes does not match a scan: 5 bytes"), out);
    assertTrue(out.contains("actor \"a\": 1 key is in the legacy layout (first: 050000000000000007): run keyspace migrate"), out);
    assertTrue(out.contains("actor \"a\\u0000\": 1 key is in the legacy layout"), out);
    CliRun onlyAb = run("check", db().toString(), "--actor", "b");
    assertEquals(1, onlyAb.exit());
    assertEquals(3, onlyAb.lines().size(), onlyAb.out());
    assertTrue(onlyAb.lines().get(2).startsWith("2 problems in 1 actor"), onlyAb.out());
  }

  @Test
  void demoWritesTheSampleActorAndCanRunTwice() {
    Path demo = tmp.resolve("demo");
    CliRun first = run("demo", demo.toString());
    assertEquals(0, first.exit(), first.err());
    assertTrue(first.out().startsWith("actor pack(actor_id) \"demo-actor\"  "), first.out());
    assertTrue(first.out().contains("├── connection [02] + utf8(conn_id)  2 keys, "), first.out());
    assertTrue(first.out().contains("inspector_token [03]  1 key"), first.out());
    assertTrue(first.out().contains("user_kv [04] + user_key  3 keys"), first.out());
    CliRun second = run("demo", demo.toString());
    assertEquals(0, second.exit(), second.err());
    assertEquals(first.out(), second.out());
    assertEquals(0, run("check", demo.toString()).exit());
    CliRun dump = run("dump", demo.toString());
    assertEquals(first.out(), dump.out());
  }

  @Test
  void badInputExitsTwoWithAMessageAndNoStackTrace() throws Exception {
    Path missing = tmp.resolve("missing");
    for (String[] args : List.of(
        new String[] {"dump", missing.toString()},
        new String[] {"check", missing.toString()},
        new String[] {"export", missing.toString(), "--actor", "a"},
        new String[] {"import", missing.toString(), "--actor", "a", "--in", missing.resolve("no-such-file").toString()},
        new String[] {"export", tmp.toString(), "--actor", "a"},
        new String[] {"export", "x"},
        new String[] {"dump"})) {
      CliRun r = run(args);
      assertEquals(2, r.exit(), String.join(" ", args) + ": " + r.err());
      assertTrue(r.err().startsWith("keyspace: "), r.err());
      assertFalse(r.err().contains("\tat "), r.err());
      assertFalse(Files.exists(missing), "a read command must not create a store");
    }
    Path file = tmp.resolve("file");
    Files.writeString(file, "x");
    assertEquals(2, run("demo", file.toString()).exit());
    populate();
    CliRun badOut = run("export", db().toString(), "--actor", "a", "--out", tmp.resolve("no/such/dir/f").toString());
    assertEquals(2, badOut.exit(), badOut.err());
  }

  @Test
  void exportOfAnActorPrintsNothingOfItsNeighbours() {
    populate();
    for (String id : List.of("a", "a\0", "ab", "")) {
      CliRun r = run("export", db().toString(), "--actor", id);
      assertEquals(7, r.lines().size());
      assertTrue(r.out().contains(Hex.encode(b("state of " + id))), id);
      for (String other : List.of("a", "a\0", "ab", "")) {
        if (!other.equals(id)) {
          assertFalse(r.out().contains(Hex.encode(b("state of " + other)) + "\""), id + " leaks " + other);
        }
      }
    }
    assertEquals("", run("export", db().toString(), "--actor", "nobody").out());
  }

  @Test
  void aStoreInUseIsReportedAsSuchToWritersAndReadBesideThemByReaders() {
    populate();
    CliRun dump;
    try (ActorStore open = ActorStore.open(db())) {
      CliRun r = run("sql", db().toString(), "--actor", "a", "SELECT 1");
      assertEquals(1, r.exit(), r.err());
      assertTrue(r.err().startsWith("keyspace: store at " + db() + " is in use by another process"), r.err());
      dump = run("dump", db().toString());
      assertEquals(0, dump.exit(), dump.err());
    }
    assertEquals(run("dump", db().toString()).out(), dump.out(), "a read-only open beside the writer sees its data");
    assertTrue(dump.out().length() > 100, dump.out());
  }

  static List<String> iterToList(java.util.Iterator<String> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  static byte[] concat(byte[] x, byte[] y) {
    byte[] out = java.util.Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, out, x.length, y.length);
    return out;
  }

  static byte[] hexToBytes(String hex) {
    return Hex.decode(hex, "hex");
  }
}
