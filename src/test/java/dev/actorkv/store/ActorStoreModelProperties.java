package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.testing.FailingFaults;
import dev.actorkv.testing.StoreFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * Model-based properties: random operation sequences on actors whose ids prefix each other, against a
 * per-actor TreeMap model with the same limits. After every operation each actor's contents, storage
 * count (in memory, recorded on disk and by scan) and scans must match the model; nothing may leak
 * between actors; failed batches (limits, injected faults) must leave no trace; reopening preserves all.
 * Runs on the embedded engine here and on PostgreSQL in {@link PostgresModelProperties}.
 */
class ActorStoreModelProperties {
  static final List<String> ACTORS = List.of("", "a", "a\0", "ab", "a/..", "\0", "é🙂", "a\0b");
  static final Limits LIMITS = new Limits(6, 40, 300);
  static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  sealed interface Op permits Write, Scan, MultiGet, Reopen, FailNextWrite, DeleteActor {}

  record Write(int actor, List<ActorBatch.Op> ops) implements Op {}

  record Scan(int actor, KeyRange range, int limit, boolean reverse) implements Op {}

  record MultiGet(int actor, List<byte[]> keys) implements Op {}

  record Reopen() implements Op {}

  record FailNextWrite() implements Op {}

  record DeleteActor(int actor) implements Op {}

  StoreFixture fixture;

  /** The engine under test. */
  StoreFixture newFixture() {
    return StoreFixture.rocksDb();
  }

  @BeforeProperty
  void openFixture() {
    fixture = newFixture();
  }

  @AfterProperty
  void closeFixture() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Property(tries = 50)
  void storeMatchesPerActorModel(@ForAll("programs") List<Op> program) throws IOException {
    fixture.reset();
    FailingFaults faults = new FailingFaults();
    StoreOptions options = StoreOptions.defaults().withLimits(LIMITS).withFaults(faults);
    Map<String, NavigableMap<byte[], byte[]>> model = new HashMap<>();
    for (String a : ACTORS) {
      model.put(a, new TreeMap<>(ORDER));
    }
    ActorStore store = fixture.open(options);
    try {
      for (Op op : program) {
        switch (op) {
          case Write w -> applyWrite(store, model, w, false);
          case FailNextWrite f -> faults.failWriteAfter(0);
          case Scan s -> {
            NavigableMap<byte[], byte[]> m = model.get(ACTORS.get(s.actor()));
            List<KeyValue> expected = modelScan(m, s.range(), s.limit(), s.reverse());
            assertEquals(expected, store.actor(ACTORS.get(s.actor())).scan(s.range(), s.limit(), s.reverse()), s.toString());
          }
          case MultiGet g -> {
            NavigableMap<byte[], byte[]> m = model.get(ACTORS.get(g.actor()));
            List<byte[]> got = store.actor(ACTORS.get(g.actor())).multiGet(g.keys());
            for (int i = 0; i < g.keys().size(); i++) {
              assertArrayEquals(m.get(g.keys().get(i)), got.get(i));
              assertArrayEquals(m.get(g.keys().get(i)), store.actor(ACTORS.get(g.actor())).get(g.keys().get(i)));
            }
          }
          case Reopen r -> {
            store.close();
            store = fixture.open(options);
          }
          case DeleteActor d -> {
            store.actor(ACTORS.get(d.actor())).deleteAll();
            model.get(ACTORS.get(d.actor())).clear();
          }
        }
        faults.disarm();
        checkAll(store, model);
      }
      store.close();
      store = fixture.open(options);
      checkAll(store, model);
    } finally {
      store.close();
    }
  }

  private static void applyWrite(ActorStore store, Map<String, NavigableMap<byte[], byte[]>> model, Write w, boolean unused) {
    String id = ACTORS.get(w.actor());
    NavigableMap<byte[], byte[]> before = model.get(id);
    ActorBatch batch = store.actor(id).batch();
    for (ActorBatch.Op o : w.ops()) {
      add(batch, o);
    }
    LimitExceededException.Limit expectedLimit = null;
    NavigableMap<byte[], byte[]> after = new TreeMap<>(before);
    for (ActorBatch.Op o : w.ops()) {
      if (expectedLimit != null) {
        break;
      }
      switch (o) {
        case ActorBatch.Put p -> {
          if (p.key().length > LIMITS.maxKeyBytes()) {
            expectedLimit = LimitExceededException.Limit.KEY_SIZE;
          } else if (p.value().length > LIMITS.maxValueBytes()) {
            expectedLimit = LimitExceededException.Limit.VALUE_SIZE;
          }
          after.put(p.key(), p.value());
        }
        case ActorBatch.Delete d -> {
          if (d.key().length > LIMITS.maxKeyBytes()) {
            expectedLimit = LimitExceededException.Limit.KEY_SIZE;
          }
          after.remove(d.key());
        }
        case ActorBatch.DeleteRange r -> subMap(after, r.range()).clear();
      }
    }
    long oldSize = size(before);
    long newSize = size(after);
    if (expectedLimit == null && newSize > oldSize && newSize > LIMITS.maxStorageBytes()) {
      expectedLimit = LimitExceededException.Limit.ACTOR_STORAGE;
    }
    ActorKeyspace actor = store.actor(id);
    if (expectedLimit != null) {
      LimitExceededException e = assertThrows(LimitExceededException.class, () -> actor.commit(batch));
      assertEquals(expectedLimit, e.limit());
      if (expectedLimit == LimitExceededException.Limit.ACTOR_STORAGE) {
        assertEquals(newSize, e.value());
        assertEquals(LIMITS.maxStorageBytes(), e.max());
      }
      return;
    }
    try {
      actor.commit(batch);
    } catch (FailingFaults.InjectedFault e) {
      return; // model unchanged; checkAll verifies the store is too
    }
    model.put(id, after);
  }

  static void checkAll(ActorStore store, Map<String, NavigableMap<byte[], byte[]>> model) {
    for (String id : ACTORS) {
      ActorKeyspace a = store.actor(id);
      NavigableMap<byte[], byte[]> m = model.get(id);
      List<KeyValue> all = a.scan(KeyRange.all(), Integer.MAX_VALUE);
      assertEquals(modelScan(m, KeyRange.all(), Integer.MAX_VALUE, false), all, "contents of actor " + quote(id));
      long expected = size(m);
      assertEquals(expected, a.storageBytes(), "in-memory count of " + quote(id));
      assertEquals(expected, a.scanStorageBytes(), "scan count of " + quote(id));
      long recorded = a.recordedStorageBytes();
      assertEquals(recorded < 0 ? 0 : recorded, expected, "recorded count of " + quote(id));
      if (recorded < 0) {
        assertEquals(0, expected, "an actor with data must have a record: " + quote(id));
      }
    }
  }

  static List<KeyValue> modelScan(NavigableMap<byte[], byte[]> m, KeyRange range, int limit, boolean reverse) {
    NavigableMap<byte[], byte[]> sub = subMap(m, range);
    if (reverse) {
      sub = sub.descendingMap();
    }
    List<KeyValue> out = new ArrayList<>();
    for (Map.Entry<byte[], byte[]> e : sub.entrySet()) {
      if (out.size() >= limit) {
        break;
      }
      out.add(new KeyValue(e.getKey(), e.getValue()));
    }
    return out;
  }

  static NavigableMap<byte[], byte[]> subMap(NavigableMap<byte[], byte[]> m, KeyRange r) {
    if (r.unboundedEnd()) {
      return m.tailMap(r.begin(), true);
    }
    return m.subMap(r.begin(), true, r.end(), false);
  }

  static long size(Map<byte[], byte[]> m) {
    long n = 0;
    for (Map.Entry<byte[], byte[]> e : m.entrySet()) {
      n += e.getKey().length + e.getValue().length;
    }
    return n;
  }

  static String quote(String s) {
    return "\"" + s.replace("\0", "\\0") + "\"";
  }

  /** Adds {@code op} to {@code batch} through the public methods (which copy and check it). */
  static void add(ActorBatch batch, ActorBatch.Op op) {
    switch (op) {
      case ActorBatch.Put p -> batch.put(p.key(), p.value());
      case ActorBatch.Delete d -> batch.delete(d.key());
      case ActorBatch.DeleteRange r -> batch.deleteRange(r.range());
    }
  }

  static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  // ------------------------------------------------------------------ generators

  /** Keys from a tiny alphabet so that operations collide; first byte 01..04, lengths 1..7 (max 6). */
  static Arbitrary<byte[]> keys() {
    return Arbitraries.integers().between(1, 4).flatMap(first ->
        Arbitraries.bytes().between((byte) 0, (byte) 3).array(byte[].class).ofMinSize(0).ofMaxSize(6).map(rest -> {
          byte[] k = new byte[rest.length + 1];
          k[0] = (byte) (int) first;
          System.arraycopy(rest, 0, k, 1, rest.length);
          return k;
        }));
  }

  static Arbitrary<byte[]> values() {
    return Arbitraries.integers().between(0, 44).flatMap(n ->
        Arbitraries.bytes().array(byte[].class).ofSize(n));
  }

  /** Ranges over the same alphabet, plus unbounded ones and ones at or past the reserved 0xFF. */
  static Arbitrary<KeyRange> ranges() {
    Arbitrary<KeyRange> bounded = Combinators.combine(keys(), keys()).as((x, y) ->
        Arrays.compareUnsigned(x, y) <= 0 ? KeyRange.of(x, y) : KeyRange.of(y, x));
    return Arbitraries.oneOf(
        bounded,
        keys().map(k -> KeyRange.of(k, new byte[0])),
        keys().map(KeyRange::prefix),
        Arbitraries.just(KeyRange.all()),
        Arbitraries.just(KeyRange.of(new byte[] {(byte) 0xff}, new byte[0])),
        Arbitraries.just(KeyRange.of(new byte[] {(byte) 0xff, 0x00}, new byte[] {(byte) 0xff, 0x01})),
        keys().map(k -> KeyRange.of(k, new byte[] {(byte) 0xff, 0x02})));
  }

  static Arbitrary<ActorBatch.Op> batchOps() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Combinators.combine(keys(), values()).as(ActorBatch.Put::new)),
        net.jqwik.api.Tuple.of(2, keys().map(ActorBatch.Delete::new)),
        net.jqwik.api.Tuple.of(1, ranges().map(ActorBatch.DeleteRange::new)));
  }

  @Provide
  Arbitrary<List<Op>> programs() {
    Arbitrary<Integer> actor = Arbitraries.integers().between(0, ACTORS.size() - 1);
    Arbitrary<Op> write = Combinators.combine(actor, batchOps().list().ofMinSize(1).ofMaxSize(6)).as(Write::new);
    Arbitrary<Op> scan = Combinators.combine(actor, ranges(), Arbitraries.integers().between(0, 8), Arbitraries.of(true, false))
        .as(Scan::new);
    Arbitrary<Op> multiGet = Combinators.combine(actor, keys().list().ofMinSize(0).ofMaxSize(4)).as(MultiGet::new);
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(12, write),
        net.jqwik.api.Tuple.of(4, scan),
        net.jqwik.api.Tuple.of(2, multiGet),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new Reopen())),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(new FailNextWrite())),
        net.jqwik.api.Tuple.of(1, actor.map(DeleteActor::new))).list().ofMinSize(1).ofMaxSize(40);
  }
}
