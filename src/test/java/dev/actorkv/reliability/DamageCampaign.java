package dev.actorkv.reliability;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.DamagedStoreException;
import dev.actorkv.store.Durability;
import dev.actorkv.store.StoreException;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.store.StoreRepair;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Damaged files: a store whose every commit is only in its write-ahead log gets one damage at a time
 * (a flipped bit anywhere in the log, the log cut at any length, CURRENT deleted) and is then opened.
 * Allowed outcomes: the open refuses with {@link DamagedStoreException} and every file is as it was, and
 * then {@link StoreRepair} yields a store that opens and holds a consistent prefix of the commits (each
 * actor's record equal to a scan); or the open succeeds with every commit (a flip) or with a prefix of
 * them (a cut log: what a crash leaves). Anything else, above all an open that succeeds with commits
 * missing after a flip, is a violation.
 */
final class DamageCampaign {
  static final byte[] COUNTER = {4, 'c'};
  static final int COMMITS = 120;

  record Result(int damages, int refusedAndRepaired, int openedWhole, int openedPrefix, List<String> violations) {}

  /**
   * Bit flips in a table file (what a bad disk sector does to data at rest): every read of the actor
   * must return exactly what was written or fail with a typed {@link StoreException}; a read that returns
   * other data, or an untyped failure, is a violation. {@code readsFailed}: flips that a read reported.
   */
  record TableResult(int flips, int readsIntact, int readsFailed, List<String> reports, List<String> violations) {}

  private final Path work;

  DamageCampaign(Path work) {
    this.work = work;
  }

  /** {@code flips} random bit flips in the log (every byte once, a random bit, when at least its size). */
  Result run(long seed, int flips, int cuts) throws IOException {
    Path pristine = work.resolve("pristine");
    try (ActorStore store = ActorStore.open(pristine)) {
      ActorKeyspace a = store.actor("a");
      SplittableRandom random = new SplittableRandom(seed);
      for (int i = 0; i < COMMITS; i++) {
        byte[] value = new byte[random.nextInt(200)];
        random.nextBytes(value);
        a.commit(a.batch().put(key(i), value).put(COUNTER, ByteBuffer.allocate(4).putInt(i).array()));
      }
    }
    String log;
    try (Stream<Path> s = Files.list(pristine)) {
      log = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log")).findFirst().orElseThrow();
    }
    long logSize = Files.size(pristine.resolve(log));
    SplittableRandom random = new SplittableRandom(seed ^ 0x5eed);
    List<String> violations = new ArrayList<>();
    int[] counts = new int[3];
    int damages = 0;
    boolean everyByte = flips >= logSize;
    for (int i = 0; i < (everyByte ? logSize : flips); i++) {
      long at = everyByte ? i : random.nextLong(logSize);
      int bit = random.nextInt(8);
      damages++;
      trial("flip bit " + bit + " at " + at, pristine, log, false, counts, violations, bytes -> bytes[(int) at] ^= (byte) (1 << bit));
    }
    for (int i = 0; i < cuts; i++) {
      long length = random.nextLong(logSize);
      damages++;
      trial("cut at " + length, pristine, log, true, counts, violations, null, length);
    }
    damages++;
    trialDeleteCurrent(pristine, counts, violations);
    return new Result(damages, counts[0], counts[1], counts[2], violations);
  }

  /** {@code flips} random bit flips, one at a time, in the table file of a store flushed from 400 commits. */
  TableResult runTableFlips(long seed, int flips) throws IOException {
    Path pristine = work.resolve("pristine-table");
    Map<String, String> expected = new TreeMap<>();
    SplittableRandom random = new SplittableRandom(seed);
    try (ActorStore store = ActorStore.open(pristine, StoreOptions.defaults().withDurability(Durability.NONE))) {
      ActorKeyspace a = store.actor("a");
      for (int i = 0; i < 400; i++) {
        byte[] value = new byte[random.nextInt(400)];
        random.nextBytes(value);
        a.commit(a.batch().put(key(i), value));
        expected.put(HexFormat.of().formatHex(key(i)), HexFormat.of().formatHex(value));
      }
    } // closing a store without a write-ahead log flushes: the data sits in a table file
    String table;
    try (Stream<Path> s = Files.list(pristine)) {
      table = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".sst"))
          .max(Comparator.comparingLong(n -> pristine.resolve(n).toFile().length())).orElseThrow();
    }
    long size = Files.size(pristine.resolve(table));
    List<String> violations = new ArrayList<>();
    int intact = 0;
    int failed = 0;
    List<String> reports = new ArrayList<>();
    for (int i = 0; i < flips; i++) {
      long at = random.nextLong(size);
      int bit = random.nextInt(8);
      String what = "table file flip bit " + bit + " at " + at + " of " + size;
      Path dir = copy(pristine, work.resolve("trial"));
      byte[] bytes = Files.readAllBytes(dir.resolve(table));
      bytes[(int) at] ^= (byte) (1 << bit);
      Files.write(dir.resolve(table), bytes);
      try (ActorStore store = ActorStore.open(dir)) {
        Map<String, String> got = new TreeMap<>();
        for (var kv : store.actor("a").scan(KeyRange.all(), 1000)) {
          got.put(HexFormat.of().formatHex(kv.key()), HexFormat.of().formatHex(kv.value()));
        }
        int gets = 0;
        for (int k = 0; k < 400; k++) {
          byte[] v = store.actor("a").get(key(k));
          gets += v != null && HexFormat.of().formatHex(v).equals(expected.get(HexFormat.of().formatHex(key(k)))) ? 1 : 0;
        }
        if (!got.equals(expected) || gets != 400) {
          violations.add(what + ": reads returned other data without an error (" + got.size() + " keys scanned, "
              + gets + " of 400 gets right)");
        } else {
          intact++;
        }
      } catch (StoreException e) {
        failed++; // reported, typed: the damage is not passed off as data
        if (reports.size() < 3) {
          reports.add(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
      } catch (RuntimeException e) {
        violations.add(what + ": untyped failure " + e);
      }
    }
    return new TableResult(flips, intact, failed, reports, violations);
  }

  interface Damage {
    void apply(byte[] log);
  }

  private void trial(String what, Path pristine, String log, boolean cut, int[] counts, List<String> violations, Damage damage)
      throws IOException {
    trial(what, pristine, log, cut, counts, violations, damage, -1);
  }

  private void trial(String what, Path pristine, String log, boolean cut, int[] counts, List<String> violations,
      Damage damage, long cutLength) throws IOException {
    Path dir = copy(pristine, work.resolve("trial"));
    Path file = dir.resolve(log);
    byte[] bytes = Files.readAllBytes(file);
    if (damage != null) {
      damage.apply(bytes);
      Files.write(file, bytes);
    } else {
      Files.write(file, java.util.Arrays.copyOf(bytes, (int) cutLength));
    }
    check(what, dir, cut, counts, violations);
  }

  private void trialDeleteCurrent(Path pristine, int[] counts, List<String> violations) throws IOException {
    Path dir = copy(pristine, work.resolve("trial"));
    Files.delete(dir.resolve("CURRENT"));
    check("CURRENT deleted", dir, false, counts, violations);
  }

  private void check(String what, Path dir, boolean cut, int[] counts, List<String> violations) throws IOException {
    Map<String, String> before = listing(dir);
    try (ActorStore store = ActorStore.open(dir)) {
      int kept = consistentPrefix(store, what, violations);
      if (kept == COMMITS) {
        counts[1]++;
      } else if (cut && kept >= 0) {
        counts[2]++;
      } else if (kept >= 0) {
        violations.add(what + ": opened without a word and holds " + kept + " of " + COMMITS + " commits");
      }
      return;
    } catch (DamagedStoreException e) {
      if (!before.equals(listing(dir))) {
        violations.add(what + ": the refused open changed files");
      }
    } catch (RuntimeException e) {
      violations.add(what + ": open failed with " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return;
    }
    try {
      StoreRepair.repair(dir, work.resolve("aside"));
      try (ActorStore store = ActorStore.open(dir)) {
        if (consistentPrefix(store, what + " (repaired)", violations) >= 0) {
          counts[0]++;
        }
      }
    } catch (RuntimeException e) {
      violations.add(what + ": repair failed with " + e.getClass().getSimpleName() + ": " + e.getMessage());
    } finally {
      delete(work.resolve("aside"));
    }
  }

  /** How many commits the store holds when they are the first n, each whole; -1 (and a violation) otherwise. */
  private static int consistentPrefix(ActorStore store, String what, List<String> violations) {
    ActorKeyspace a = store.actor("a");
    byte[] counter = a.get(COUNTER);
    int n = counter == null ? 0 : ByteBuffer.wrap(counter).getInt() + 1;
    int keys = a.scan(KeyRange.of(new byte[] {4, 'i'}, new byte[] {4, 'j'}), COMMITS + 1).size();
    if (keys != n) {
      violations.add(what + ": " + keys + " keys but the counter says " + n + " commits: a commit is partial");
      return -1;
    }
    if (a.scanStorageBytes() != a.storageBytes()) {
      violations.add(what + ": recorded storage " + a.storageBytes() + " != scan " + a.scanStorageBytes());
      return -1;
    }
    return n;
  }

  static byte[] key(int i) {
    return ByteBuffer.allocate(6).put((byte) 4).put((byte) 'i').putInt(i).array();
  }

  private static Path copy(Path from, Path to) throws IOException {
    delete(to);
    Files.createDirectories(to);
    try (Stream<Path> s = Files.list(from)) {
      for (Path p : s.toList()) {
        Files.copy(p, to.resolve(p.getFileName()));
      }
    }
    return to;
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Every store file's name, size, time and hash; not RocksDB's info logs, which a failed open rotates. */
  private static Map<String, String> listing(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(f -> !f.getFileName().toString().startsWith("LOG")).toList()) {
        out.put(p.getFileName().toString(), Files.size(p) + " " + Files.getLastModifiedTime(p) + " " + sha256(p));
      }
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
