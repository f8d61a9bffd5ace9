package dev.actorkv.tuple;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Hostile input: decoding never hangs, never recurses without bound, and never allocates much more
 * than the input's size, whatever lengths or depths the bytes claim.
 */
class HostileInputTest {
  private static final int MB = 1 << 20;
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  /** Bytes allocated by this thread while running {@code r}. */
  private static long allocatedBy(Runnable r) {
    long tid = Thread.currentThread().threadId();
    long before = THREADS.getThreadAllocatedBytes(tid);
    r.run();
    return THREADS.getThreadAllocatedBytes(tid) - before;
  }

  private static void rejectedCheaply(byte[] input) {
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      long allocated = allocatedBy(() -> assertThrows(TupleFormatException.class, () -> Tuple.fromBytes(input)));
      // The only sizeable allocation allowed is proportional to the input (a copy of a string's bytes).
      assertTrue(allocated < 4L * input.length + MB, () -> "allocated " + allocated + " bytes for " + input.length + " input bytes");
    });
  }

  private static byte[] repeat(int b, int n) {
    byte[] out = new byte[n];
    Arrays.fill(out, (byte) b);
    return out;
  }

  @Test
  void deepNestingIsRejectedWithoutExhaustingTheStack() {
    rejectedCheaply(repeat(0x05, 4 * MB));
    byte[] deep = repeat(0x05, 10_000);
    byte[] closed = Arrays.copyOf(deep, 20_000);
    rejectedCheaply(closed); // balanced: 10k opens, 10k closes
  }

  @Test
  void nestingUpToTheLimitIsAccepted() {
    int depth = TupleCodec.MAX_DEPTH - 1;
    Tuple t = Tuple.empty();
    for (int i = 0; i < depth; i++) {
      t = Tuple.of(t);
    }
    assertTrue(Tuple.fromBytes(t.pack()).equals(t));
    Tuple deepest = t;
    // One level more cannot be decoded, so it cannot be built either.
    assertThrows(IllegalArgumentException.class, () -> Tuple.of(deepest));
    assertThrows(IllegalArgumentException.class, () -> Tuple.empty().add(deepest));
  }

  @Test
  void hugeLengthClaimsFailFast() {
    rejectedCheaply(new byte[] {0x1d, (byte) 0xff, 1, 2, 3});
    rejectedCheaply(new byte[] {0x0b, 0x00, 1, 2, 3});
    byte[] longUnterminated = repeat('a', 8 * MB);
    longUnterminated[0] = 0x02;
    rejectedCheaply(longUnterminated);
    byte[] escapes = new byte[8 * MB + 1];
    escapes[0] = 0x01;
    for (int i = 1; i + 1 < escapes.length; i += 2) {
      escapes[i + 1] = (byte) 0xff;
    }
    rejectedCheaply(escapes); // 00 ff pairs without a terminator
  }

  @Test
  void manyElementsDecodeInLinearTime() {
    byte[] nulls = new byte[2 * MB];
    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      long allocated = allocatedBy(() -> Tuple.fromBytes(nulls));
      assertTrue(allocated < 32L * nulls.length + MB, () -> "allocated " + allocated);
    });
  }

  @Property(tries = 200)
  void randomHostileInputIsRejectedCheaply(@ForAll("hostile") byte[] input) {
    try {
      long allocated = allocatedBy(() -> Tuple.fromBytes(input));
      assertTrue(allocated < 64L * input.length + MB, () -> "allocated " + allocated);
    } catch (TupleFormatException expected) {
      // rejected: fine
    }
  }

  @Provide
  Arbitrary<byte[]> hostile() {
    Arbitrary<Byte> structural = Arbitraries.of((byte) 0x05, (byte) 0x00, (byte) 0xff, (byte) 0x1d, (byte) 0x0b, (byte) 0x02, (byte) 0x01);
    return structural.list().ofMinSize(1000).ofMaxSize(20_000).map(l -> {
      byte[] b = new byte[l.size()];
      for (int i = 0; i < b.length; i++) {
        b[i] = l.get(i);
      }
      return b;
    });
  }
}
