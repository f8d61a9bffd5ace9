package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.actorkv.keyspace.KeyRange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The commit path skips the overlay of earlier changes when a batch's changes cannot overlap. These
 * properties check the detection against a plain reference, and that a batch committed on the fast path
 * leaves exactly the state and storage count the exact overlay path leaves for the same changes.
 */
class CommitFastPathProperties {
  /** A range delete no generated key falls into (they start with 01..04); forces the overlay path. */
  private static final KeyRange EMPTY_RANGE = KeyRange.of(new byte[] {0x20}, new byte[] {0x21});

  @Property(tries = 300)
  void overlapDetectionMatchesReference(@ForAll("batches") List<ActorBatch.Op> ops) {
    assertEquals(referenceMayOverlap(ops), ActorKeyspace.mayOverlap(ops));
  }

  @Property(tries = 40)
  void fastPathLeavesWhatTheOverlayPathLeaves(@ForAll("programs") List<List<ActorBatch.Op>> program) throws IOException {
    Path dirA = Files.createTempDirectory("fastpath-a");
    Path dirB = Files.createTempDirectory("fastpath-b");
    try (ActorStore a = ActorStore.open(dirA); ActorStore b = ActorStore.open(dirB)) {
      ActorKeyspace fast = a.actor("x");
      ActorKeyspace slow = b.actor("x");
      for (List<ActorBatch.Op> ops : program) {
        ActorBatch fastBatch = new ActorBatch();
        ActorBatch slowBatch = new ActorBatch();
        for (ActorBatch.Op op : ops) {
          ActorStoreModelProperties.add(fastBatch, op);
          ActorStoreModelProperties.add(slowBatch, op);
        }
        slowBatch.deleteRange(EMPTY_RANGE);
        fast.commit(fastBatch);
        slow.commit(slowBatch);
        assertEquals(slow.storageBytes(), fast.storageBytes());
        assertEquals(fast.scanStorageBytes(), fast.storageBytes());
        assertEquals(fast.storageBytes(), fast.recordedStorageBytes());
        List<KeyValue> fastAll = fast.scan(KeyRange.all(), Integer.MAX_VALUE);
        List<KeyValue> slowAll = slow.scan(KeyRange.all(), Integer.MAX_VALUE);
        assertEquals(slowAll.size(), fastAll.size());
        for (int i = 0; i < fastAll.size(); i++) {
          assertArrayEquals(slowAll.get(i).key(), fastAll.get(i).key());
          assertArrayEquals(slowAll.get(i).value(), fastAll.get(i).value());
        }
      }
    } finally {
      ActorStoreModelProperties.deleteTree(dirA);
      ActorStoreModelProperties.deleteTree(dirB);
    }
  }

  private static boolean referenceMayOverlap(List<ActorBatch.Op> ops) {
    if (ops.size() < 2) {
      return false;
    }
    Set<ByteBuffer> seen = new HashSet<>();
    for (ActorBatch.Op op : ops) {
      byte[] key = switch (op) {
        case ActorBatch.Put p -> p.key();
        case ActorBatch.Delete d -> d.key();
        case ActorBatch.DeleteRange r -> null;
      };
      if (key == null || !seen.add(ByteBuffer.wrap(key))) {
        return true;
      }
    }
    return false;
  }

  /** Puts and deletes only, 0..40 changes (across the pairwise / sorted boundary), keys colliding often. */
  private static Arbitrary<ActorBatch.Op> putOrDelete() {
    Arbitrary<byte[]> keys = Arbitraries.oneOf(shortKeys(), ActorStoreModelProperties.keys());
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, net.jqwik.api.Combinators.combine(keys, ActorStoreModelProperties.values())
            .as(ActorBatch.Put::new)),
        net.jqwik.api.Tuple.of(1, keys.map(ActorBatch.Delete::new)));
  }

  private static Arbitrary<byte[]> shortKeys() {
    return Arbitraries.integers().between(1, 4).flatMap(first ->
        Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(3).map(rest -> {
          byte[] k = new byte[rest.length + 1];
          k[0] = (byte) (int) first;
          System.arraycopy(rest, 0, k, 1, rest.length);
          return k;
        }));
  }

  @Provide
  Arbitrary<List<ActorBatch.Op>> batches() {
    Arbitrary<ActorBatch.Op> withRanges = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(20, putOrDelete()),
        net.jqwik.api.Tuple.of(1, ActorStoreModelProperties.ranges().map(ActorBatch.DeleteRange::new)));
    return withRanges.list().ofMinSize(0).ofMaxSize(40);
  }

  @Provide
  Arbitrary<List<List<ActorBatch.Op>>> programs() {
    return putOrDelete().list().ofMinSize(1).ofMaxSize(40).list().ofMinSize(1).ofMaxSize(12);
  }
}
