package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.actorkv.keyspace.ActorKeys;
import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.migrate.LegacyKeys;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** export then import into a fresh store gives the same bytes, for random keyspaces of every kind of key. */
class ExportImportProperties {
  @Property(tries = 10)
  void exportImportRoundTripIsByteIdentical(@ForAll("entries") List<KeyValue> entries, @ForAll("actorIds") String actor)
      throws IOException {
    Path tmp = Files.createTempDirectory("export-import");
    try {
      Path src = tmp.resolve("src");
      Path dst = tmp.resolve("dst");
      try (ActorStore store = ActorStore.open(src)) {
        ActorBatch batch = store.actor(actor).batch();
        entries.forEach(kv -> batch.put(kv.key(), kv.value()));
        store.actor(actor).commit(batch);
        store.actor(actor + "\0").put(ActorKeys.persistedData(), new byte[] {1}); // a neighbour that must not leak
      }
      ActorStore.open(dst).close();
      Path file = tmp.resolve("export.jsonl");
      CliRun exp = CliRun.run("export", src.toString(), "--actor", actor, "--out", file.toString());
      if (entries.isEmpty()) {
        assertEquals(1, exp.exit(), "an actor with no keys: " + exp.err());
        assertFalse(Files.exists(file), "nothing written");
        return;
      }
      assertEquals(0, exp.exit(), exp.err());
      CliRun imp = CliRun.run("import", dst.toString(), "--actor", actor, "--in", file.toString());
      assertEquals(0, imp.exit(), imp.err());
      try (ActorStore a = ActorStore.open(src); ActorStore b = ActorStore.open(dst)) {
        assertEquals(a.actor(actor).scan(KeyRange.all(), Integer.MAX_VALUE), b.actor(actor).scan(KeyRange.all(), Integer.MAX_VALUE));
        assertEquals(a.actor(actor).storageBytes(), b.actor(actor).storageBytes());
        assertEquals(entries.isEmpty() ? List.of() : List.of(actor), b.actorIds(), "nothing of the neighbour");
      }
    } finally {
      try (Stream<Path> s = Files.walk(tmp)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Provide
  Arbitrary<String> actorIds() {
    return Arbitraries.oneOf(Arbitraries.of("", "a", "a\0", "a/..", "日本🙂"), Arbitraries.strings().ofMaxLength(8)
        .filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c))));
  }

  @Provide
  Arbitrary<List<KeyValue>> entries() {
    Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> key = Arbitraries.oneOf(
        Arbitraries.just(ActorKeys.persistedData()),
        Arbitraries.just(ActorKeys.inspectorToken()),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(6).filter(s -> s.chars().noneMatch(c -> Character.isSurrogate((char) c))).map(ActorKeys::connection),
        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(12).map(ActorKeys::userKv),
        Arbitraries.just(QueueKeys.metadata()),
        Arbitraries.longs().between(1, Long.MAX_VALUE).map(QueueKeys::message),
        Combinators.combine(Arbitraries.longs().between(0, 1L << 40), Arbitraries.longs().between(0, 1000)).as(TracesKeys::chunk),
        Combinators.combine(Arbitraries.of(SqliteFile.values()), Arbitraries.longs().between(0, 0xffff_ffffL)).as(SqliteKeys::chunk),
        Arbitraries.longs().between(1, 1000).map(LegacyKeys::queueMessage));
    return Combinators.combine(key, value).as(KeyValue::new).list().ofMaxSize(30)
        .uniqueElements(kv -> Hex.encode(kv.key()));
  }
}
