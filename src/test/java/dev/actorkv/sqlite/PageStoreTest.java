package dev.actorkv.sqlite;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.SqliteFile;
import dev.actorkv.keyspace.SqliteKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreOptions;
import dev.actorkv.testing.FailingFaults;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PageStoreTest {
  @TempDir
  Path dir;

  // ------------------------------------------------------------------ model-based property

  sealed interface Op permits Write, Truncate, Commit, FailedCommit, Discard, Reopen {}

  record Write(long offset, byte[] data) implements Op {
    @Override
    public String toString() {
      return "Write(" + offset + ", " + data.length + " bytes)";
    }
  }

  record Truncate(long size) implements Op {}

  record Commit() implements Op {}

  record Discard() implements Op {}

  /** A commit whose store write fails: the staged changes are gone, the committed file stays. */
  record FailedCommit() implements Op {}

  record Reopen() implements Op {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Long> offsets = Arbitraries.oneOf(
        Arbitraries.longs().between(0, 5 * 4096),
        Arbitraries.of(0L, 4095L, 4096L, 4097L, 8191L, 8192L, 12288L));
    Arbitrary<byte[]> data = Arbitraries.integers().between(1, 9000).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n));
    Arbitrary<Op> write = Combinators.combine(offsets, data).as(Write::new);
    // What SQLite does with 4 KiB pages: whole chunks, which skip reading the stored chunk.
    Arbitrary<Op> pageWrite = Combinators.combine(
        Arbitraries.longs().between(0, 5), Arbitraries.bytes().array(byte[].class).ofSize(4096))
        .as((page, bytes) -> new Write(page * 4096, bytes));
    Arbitrary<Op> truncate = offsets.map(Truncate::new);
    return Arbitraries.frequencyOf(
        Tuple.of(4, write),
        Tuple.of(4, pageWrite),
        Tuple.of(2, truncate),
        Tuple.of(3, Arbitraries.just(new Commit())),
        Tuple.of(1, Arbitraries.just(new Discard())),
        Tuple.of(1, Arbitraries.just(new FailedCommit())),
        Tuple.of(1, Arbitraries.just(new Reopen()))).list().ofMaxSize(25);
  }

  /** The case jqwik found: changes that cancel out leave a failing commit nothing to write. */
  @Test
  void failedCommitOfChangesThatCancelOut() throws IOException {
    behavesLikeAByteArray(List.of(new Write(0, new byte[1]), new Truncate(0), new FailedCommit()));
  }

  /** The case jqwik found: a truncation whose new last chunk was a hole left no chunk to rebuild the size from. */
  @Test
  void truncatingToAHoleStillStoresTheLastChunk() throws IOException {
    behavesLikeAByteArray(List.of(new Write(8482, new byte[480]), new Write(1, new byte[814]), new Truncate(8192), new Commit()));
  }

  /** Random writes, truncations, commits, discards and reopens against a byte-array model. */
  @Property(tries = 40)
  void behavesLikeAByteArray(@ForAll("ops") List<Op> ops) throws IOException {
    // jqwik does not inject JUnit's @TempDir into properties: make and remove our own.
    Path storeDir = Files.createTempDirectory("pagestore");
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(storeDir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      PageStore ps = PageStore.open(actor, SqliteFile.MAIN);
      byte[] staged = new byte[0];
      byte[] committed = new byte[0];
      for (Op op : ops) {
        switch (op) {
          case Write w -> {
            ps.write(w.offset(), w.data(), 0, w.data().length);
            staged = Arrays.copyOf(staged, (int) Math.max(staged.length, w.offset() + w.data().length));
            System.arraycopy(w.data(), 0, staged, (int) w.offset(), w.data().length);
          }
          case Truncate t -> {
            ps.truncate(t.size());
            staged = Arrays.copyOf(staged, (int) t.size());
          }
          case Commit c -> {
            ps.commit();
            committed = staged.clone();
            assertLayout(actor, committed);
          }
          case Discard d -> {
            ps.discard();
            staged = committed.clone();
          }
          case FailedCommit f -> {
            if (ps.hasStagedChanges()) {
              faults.failWriteAfter(0);
              if (Arrays.equals(staged, committed)) {
                // Changes that cancel out (a write, then a truncation back) may leave nothing to write,
                // and then nothing can fail; either way the committed state must be all that remains.
                try {
                  ps.commit();
                } catch (FailingFaults.InjectedFault expected) {
                  // the commit did write, and the failed write left nothing behind (checked below)
                }
              } else {
                assertThrows(FailingFaults.InjectedFault.class, ps::commit);
              }
              faults.disarm();
            }
            staged = committed.clone();
            assertLayout(actor, committed);
          }
          case Reopen r -> {
            ps = PageStore.open(actor, SqliteFile.MAIN);
            staged = committed.clone();
          }
        }
        assertEquals(staged.length, ps.size(), "size after " + op);
        assertContent(ps, staged);
      }
    } finally {
      try (var paths = Files.walk(storeDir)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void assertContent(PageStore ps, byte[] model) {
    byte[] all = new byte[model.length + 100];
    int n = ps.read(0, all, 0, all.length);
    assertEquals(model.length, n);
    assertArrayEquals(Arrays.copyOf(model, all.length), all);
    // Page by page into native memory holding garbage, as SQLite reads (the single-chunk path).
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment page = arena.allocate(4096);
      for (long at = 0; at < model.length + 4096; at += 4096) {
        page.fill((byte) 0x5a);
        int got = ps.read(at, page);
        assertEquals((int) Math.max(0, Math.min(4096, model.length - at)), got, "bytes read at " + at);
        byte[] expected = new byte[4096];
        if (at < model.length) {
          System.arraycopy(model, (int) at, expected, 0, got);
        }
        assertArrayEquals(expected, page.toArray(ValueLayout.JAVA_BYTE), "page at " + at);
      }
    }
    if (model.length > 10) {
      byte[] mid = new byte[7];
      ps.read(model.length / 2, mid, 0, 7);
      assertArrayEquals(Arrays.copyOfRange(model, model.length / 2, model.length / 2 + 7), mid);
    }
  }

  /** The stored layout: size record, every chunk but the last full, nothing past the size. */
  private static void assertLayout(ActorKeyspace actor, byte[] model) {
    byte[] raw = actor.get(SqliteKeys.fileMeta(SqliteFile.MAIN));
    if (raw == null) {
      // A file never given any content has no size record at all.
      assertEquals(0, model.length);
      assertNull(actor.first(SqliteKeys.chunks(SqliteFile.MAIN), false));
      return;
    }
    assertEquals(model.length, FileMeta.decode(raw).size());
    assertEquals(model.length, PageStore.scanSize(actor, SqliteFile.MAIN));
    for (KeyValue kv : actor.scan(SqliteKeys.chunks(SqliteFile.MAIN), Integer.MAX_VALUE)) {
      long i = SqliteKeys.chunkIndex(kv.key());
      long start = i * 4096;
      assertTrue(start < model.length, "chunk " + i + " past the end");
      int expected = (int) Math.min(4096, model.length - start);
      assertEquals(expected, kv.value().length, "length of chunk " + i);
      assertArrayEquals(Arrays.copyOfRange(model, (int) start, (int) start + expected), kv.value());
    }
  }

  // ------------------------------------------------------------------ examples

  @Test
  void shortReadsAreZeroFilled() {
    try (ActorStore store = ActorStore.open(dir)) {
      PageStore ps = PageStore.open(store.actor("a"), SqliteFile.MAIN);
      ps.write(0, new byte[] {1, 2, 3}, 0, 3);
      byte[] buf = {9, 9, 9, 9, 9};
      assertEquals(3, ps.read(0, buf, 0, 5));
      assertArrayEquals(new byte[] {1, 2, 3, 0, 0}, buf);
      assertEquals(0, ps.read(100, buf, 0, 5));
      assertArrayEquals(new byte[5], buf);
    }
  }

  @Test
  void truncateDropsChunksInTheSameBatchAsTheSize() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      PageStore ps = PageStore.open(actor, SqliteFile.MAIN);
      ps.write(0, new byte[5 * 4096 + 10], 0, 5 * 4096 + 10);
      ps.commit();
      assertEquals(6, actor.scan(SqliteKeys.chunks(SqliteFile.MAIN), 100).size());
      long writes = faults.writes();
      ps.truncate(4096 + 1);
      ps.commit();
      assertEquals(1, faults.writes() - writes);
      List<KeyValue> chunks = actor.scan(SqliteKeys.chunks(SqliteFile.MAIN), 100);
      assertEquals(2, chunks.size());
      assertEquals(1, chunks.get(1).value().length);
      assertEquals(4097, FileMeta.decode(actor.get(SqliteKeys.fileMeta(SqliteFile.MAIN))).size());
    }
  }

  @Test
  void aFailedCommitLeavesMemoryAndStoreAsBefore() {
    FailingFaults faults = new FailingFaults();
    try (ActorStore store = ActorStore.open(dir, StoreOptions.defaults().withFaults(faults))) {
      ActorKeyspace actor = store.actor("a");
      PageStore ps = PageStore.open(actor, SqliteFile.MAIN);
      ps.write(0, new byte[] {1, 2, 3}, 0, 3);
      ps.commit();
      List<KeyValue> before = actor.scan(SqliteKeys.all(), 100);
      ps.write(2, new byte[9000], 0, 9000);
      ps.truncate(5000);
      faults.failWriteAfter(0);
      assertThrows(FailingFaults.InjectedFault.class, ps::commit);
      assertEquals(before, actor.scan(SqliteKeys.all(), 100));
      assertEquals(3, ps.size());
      byte[] buf = new byte[3];
      ps.read(0, buf, 0, 3);
      assertArrayEquals(new byte[] {1, 2, 3}, buf);
    }
  }

  @Test
  void sizeIsRebuiltFromTheChunksWhenTheRecordIsMissingOrCorrupt() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      PageStore ps = PageStore.open(actor, SqliteFile.MAIN);
      ps.write(0, new byte[3 * 4096 + 123], 0, 3 * 4096 + 123);
      ps.commit();
      byte[] metaKey = SqliteKeys.fileMeta(SqliteFile.MAIN);
      actor.delete(metaKey);
      assertNull(PageStore.storedMeta(actor, SqliteFile.MAIN));
      PageStore rebuilt = PageStore.open(actor, SqliteFile.MAIN);
      assertEquals(3 * 4096 + 123, rebuilt.size());
      assertTrue(rebuilt.repairSizeRecord()); // writes the rebuilt record back
      assertEquals(new FileMeta(3 * 4096 + 123), PageStore.storedMeta(actor, SqliteFile.MAIN));
      assertTrue(!rebuilt.repairSizeRecord());

      actor.put(metaKey, new byte[] {2, 0, 1, 0, 0, 0, 0, 0, 0, 0}); // unknown version
      assertEquals(3 * 4096 + 123, PageStore.open(actor, SqliteFile.MAIN).size());
      actor.put(metaKey, new byte[] {1, 0, 1});
      assertEquals(3 * 4096 + 123, PageStore.open(actor, SqliteFile.MAIN).size());
    }
  }

  @Test
  void emptyFileHasSizeZeroAndDeleteRemovesEverything() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      PageStore ps = PageStore.open(actor, SqliteFile.JOURNAL);
      assertEquals(0, ps.size());
      assertTrue(!ps.exists());
      ps.write(10_000, new byte[] {7}, 0, 1);
      ps.commit();
      assertTrue(ps.exists());
      ps.deleteFile();
      assertEquals(List.of(), actor.scan(SqliteKeys.all(), 10));
      assertEquals(0, PageStore.open(actor, SqliteFile.JOURNAL).size());
    }
  }

  @Test
  void fileMetaIsTenBytesLittleEndian() {
    // ACTOR_KV_STRUCTURE.md section 4: u16 LE version 1, u64 LE size.
    assertEquals("0100" + "0050000000000000", HexFormat.of().formatHex(new FileMeta(0x5000).encode()));
    assertEquals("0100" + "efcdab8967452301", HexFormat.of().formatHex(new FileMeta(0x0123456789abcdefL).encode()));
    assertEquals(new FileMeta(61440), FileMeta.decode(HexFormat.of().parseHex("010000f0000000000000")));
    assertThrows(PageFormatException.class, () -> FileMeta.decode(new byte[11]));
    assertThrows(PageFormatException.class, () -> FileMeta.decode(HexFormat.of().parseHex("0000" + "0000000000000000")));
    assertThrows(PageFormatException.class, () -> FileMeta.decode(HexFormat.of().parseHex("0100" + "ffffffffffffffff")));
  }

  @Test
  void chunkValuesAreRawFileBytes() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      PageStore ps = PageStore.open(actor, SqliteFile.MAIN);
      byte[] data = new byte[4096 + 5];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) i;
      }
      ps.write(0, data, 0, data.length);
      ps.commit();
      assertArrayEquals(Arrays.copyOf(data, 4096), actor.get(HexFormat.of().parseHex("0801010000000000")));
      assertArrayEquals(Arrays.copyOfRange(data, 4096, 4101), actor.get(HexFormat.of().parseHex("0801010000000001")));
      assertArrayEquals(HexFormat.of().parseHex("0100" + "0510000000000000"), actor.get(HexFormat.of().parseHex("08010000")));
    }
  }
}
