package dev.actorkv.tool;

import static dev.actorkv.tool.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.Durability;
import dev.actorkv.store.StoreOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that only read change no file of the store; a damaged store is refused by every command
 * and left as it is; {@code repair} copies it aside and recovers it.
 */
class ReadOnlyAndRepairCommandsTest {
  @TempDir Path tmp;

  Path db() {
    return tmp.resolve("db");
  }

  void populate(Durability durability, int keys) {
    try (ActorStore store = ActorStore.open(db(), StoreOptions.DEFAULTS.withDurability(durability))) {
      for (String id : List.of("a", "b")) {
        ActorKeyspace a = store.actor(id);
        for (int i = 0; i < keys; i++) {
          a.put(ActorKeys.userKv(ByteBuffer.allocate(4).putInt(i).array()), new byte[64]);
        }
      }
    }
  }

  @Test
  void readCommandsLeaveEveryFileUntouched() throws Exception {
    populate(Durability.WAL, 20);
    Map<String, String> before = listing(db());
    for (List<String> args : List.of(
        List.of("check", db().toString()),
        List.of("dump", db().toString()),
        List.of("dump", db().toString(), "--json"),
        List.of("export", db().toString(), "--actor", "a"),
        List.of("migrate", db().toString(), "--dry-run"))) {
      CliRun r = run(args.toArray(String[]::new));
      assertEquals(0, r.exit(), args + ": " + r.err());
      assertEquals(before, listing(db()), args + " changed no file");
    }
  }

  @Test
  void aStoreWithoutCurrentIsRefusedByEveryCommandAndRepairedOnRequest() throws Exception {
    populate(Durability.NONE, 500);
    Files.delete(db().resolve("CURRENT"));
    for (String log : logs(db())) {
      Files.delete(db().resolve(log)); // empty after the flush on close
    }
    Map<String, String> before = listing(db());
    for (List<String> args : List.of(
        List.of("check", db().toString()),
        List.of("dump", db().toString()),
        List.of("demo", db().toString()),
        List.of("sql", db().toString(), "--actor", "a", "SELECT 1"))) {
      CliRun r = run(args.toArray(String[]::new));
      assertEquals(2, r.exit(), args + ": " + r.out() + r.err());
      assertTrue(r.err().contains("damaged") && r.err().contains("no CURRENT"), args + ": " + r.err());
      assertEquals(before, listing(db()), args + " changed nothing");
    }
    Path copy = tmp.resolve("copy");
    CliRun repair = run("repair", db().toString(), "--backup", copy.toString());
    assertEquals(0, repair.exit(), repair.err());
    assertTrue(repair.out().contains("wrote CURRENT naming MANIFEST-"), repair.out());
    Map<String, String> copied = listing(copy);
    copied.remove(".");
    before.remove(".");
    assertEquals(before, copied, "the copy holds the store as it was");
    CliRun check = run("check", db().toString());
    assertEquals(0, check.exit(), check.out() + check.err());
    assertTrue(check.out().startsWith("ok: 2 actors, 1000 keys checked"), check.out());
    CliRun again = run("repair", db().toString());
    assertEquals(0, again.exit());
    assertTrue(again.out().contains("nothing to repair"), again.out());
  }

  @Test
  void aDamagedLogIsReportedByCheckAndRepairSaysWhatItDropped() throws Exception {
    populate(Durability.WAL, 100);
    List<String> logs = logs(db());
    assertEquals(1, logs.size());
    Path log = db().resolve(logs.getFirst());
    byte[] bytes = Files.readAllBytes(log);
    bytes[bytes.length / 2] ^= 0x01;
    Files.write(log, bytes);

    CliRun check = run("check", db().toString());
    assertEquals(2, check.exit(), check.out() + check.err());
    assertTrue(check.err().contains("damaged") && check.err().contains(logs.getFirst()), check.err());
    assertEquals(sha256(bytes), sha256(Files.readAllBytes(log)), "the damaged log is kept");

    CliRun repair = run("repair", db().toString());
    assertEquals(0, repair.exit(), repair.err());
    assertTrue(repair.out().contains("bytes of write-ahead log " + logs.getFirst()), repair.out());
    Path aside;
    try (Stream<Path> s = Files.list(tmp)) {
      aside = s.filter(p -> p.getFileName().toString().startsWith("db.damaged-")).findFirst().orElseThrow();
    }
    assertTrue(repair.out().contains(aside.toString()), repair.out());
    assertEquals(sha256(bytes), sha256(Files.readAllBytes(aside.resolve(logs.getFirst()))), "the copy holds the damaged log");
    CliRun after = run("check", db().toString());
    assertEquals(0, after.exit(), after.out() + after.err());
  }

  @Test
  void anOverlongActorIdIsBadInput() throws Exception {
    populate(Durability.WAL, 1);
    CliRun r = run("export", db().toString(), "--actor", "x".repeat(1025));
    assertEquals(2, r.exit(), r.err());
    assertTrue(r.err().contains("actor id size limit exceeded"), r.err());
    assertTrue(r.err().length() < 300, "the refused id is not echoed whole: " + r.err());
  }

  static List<String> logs(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).sorted().toList();
    }
  }

  static Map<String, String> listing(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        out.put(p.getFileName().toString(), Files.size(p) + " " + Files.getLastModifiedTime(p) + " " + sha256(Files.readAllBytes(p)));
      }
    }
    out.put(".", Files.getLastModifiedTime(dir).toString());
    return out;
  }

  static String sha256(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
