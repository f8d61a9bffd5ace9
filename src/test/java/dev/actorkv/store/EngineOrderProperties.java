package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.testing.StoreFixture;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

/**
 * PostgreSQL's {@code bytea} order is RocksDB's bytewise order: the same random keys (every byte value
 * but a leading 0xFF, bytes that compare differently signed and unsigned, keys that prefix each other)
 * written to both engines come back from the same scans (ranges, prefixes, reverse, limits) as the same
 * keys in the same order.
 */
class EngineOrderProperties {
  StoreFixture rocks;
  StoreFixture postgres;

  @BeforeProperty
  void open() {
    rocks = StoreFixture.rocksDb();
    postgres = StoreFixture.postgres("order");
  }

  @AfterProperty
  void close() {
    if (rocks != null) {
      rocks.close();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  record Scan(KeyRange range, int limit, boolean reverse) {}

  @Property(tries = 15)
  void bothEnginesScanTheSameKeysInTheSameOrder(@ForAll("keySets") List<byte[]> keys, @ForAll("scans") List<Scan> scans) {
    rocks.reset();
    postgres.reset();
    try (ActorStore r = rocks.open(); ActorStore p = postgres.open()) {
      ActorBatch br = r.actor("o").batch();
      ActorBatch bp = p.actor("o").batch();
      for (byte[] k : keys) {
        br.put(k, k);
        bp.put(k, k);
      }
      r.actor("o").commit(br);
      p.actor("o").commit(bp);
      assertEquals(r.actor("o").scan(KeyRange.all(), Integer.MAX_VALUE), p.actor("o").scan(KeyRange.all(), Integer.MAX_VALUE));
      for (Scan s : scans) {
        assertEquals(r.actor("o").scan(s.range(), s.limit(), s.reverse()), p.actor("o").scan(s.range(), s.limit(), s.reverse()),
            s.toString());
      }
      assertEquals(r.actor("o").storageBytes(), p.actor("o").storageBytes());
    }
  }

  static Arbitrary<byte[]> keys() {
    Arbitrary<Byte> first = Arbitraries.oneOf(Arbitraries.bytes().between((byte) 0, (byte) 0x7f),
        Arbitraries.integers().between(0x80, 0xfe).map(Integer::byteValue), Arbitraries.of((byte) 0x00, (byte) 0x7f, (byte) 0x80, (byte) 0xfe));
    Arbitrary<byte[]> rest = Arbitraries.oneOf(Arbitraries.bytes(), Arbitraries.of((byte) 0, (byte) 0x7f, (byte) 0x80, (byte) 0xff))
        .array(byte[].class).ofMaxSize(6);
    return Combinators.combine(first, rest).as((f, r) -> {
      byte[] k = new byte[r.length + 1];
      k[0] = f;
      System.arraycopy(r, 0, k, 1, r.length);
      return k;
    });
  }

  @Provide
  Arbitrary<List<byte[]>> keySets() {
    return keys().list().ofMinSize(1).ofMaxSize(200);
  }

  @Provide
  Arbitrary<List<Scan>> scans() {
    Arbitrary<KeyRange> ranges = Arbitraries.oneOf(
        Combinators.combine(keys(), keys()).as((x, y) -> java.util.Arrays.compareUnsigned(x, y) <= 0 ? KeyRange.of(x, y) : KeyRange.of(y, x)),
        keys().map(KeyRange::prefix),
        keys().map(k -> KeyRange.of(k, new byte[0])));
    return Combinators.combine(ranges, Arbitraries.integers().between(1, 300), Arbitraries.of(true, false)).as(Scan::new)
        .list().ofMinSize(1).ofMaxSize(20);
  }
}
