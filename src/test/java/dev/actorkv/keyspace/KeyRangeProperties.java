package dev.actorkv.keyspace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * The next-key helpers the paged scans resume with: {@code keyAfter(k)} is the smallest key above
 * {@code k} (no key lies strictly between them), and {@code prefix(p)} holds exactly the keys starting
 * with {@code p}. Keys are drawn from a three-byte alphabet (00, 01, FF) so neighbours and all-FF
 * prefixes come up often.
 */
class KeyRangeProperties {
  static byte[] narrow(byte[] raw) {
    byte[] out = new byte[raw.length];
    for (int i = 0; i < raw.length; i++) {
      out[i] = switch (Math.floorMod(raw[i], 3)) {
        case 0 -> 0x00;
        case 1 -> 0x01;
        default -> (byte) 0xff;
      };
    }
    return out;
  }

  @Property(tries = 2000)
  void keyAfterIsTheSmallestKeyAbove(@ForAll @Size(max = 6) byte[] rawKey, @ForAll @Size(max = 7) byte[] rawOther) {
    byte[] k = narrow(rawKey);
    byte[] x = narrow(rawOther);
    byte[] next = KeyRange.keyAfter(k);
    assertTrue(Arrays.compareUnsigned(next, k) > 0);
    if (Arrays.compareUnsigned(x, k) > 0) {
      assertTrue(Arrays.compareUnsigned(x, next) >= 0, "a key between k and keyAfter(k)");
    }
    assertArrayEquals(Arrays.copyOf(k, k.length), Arrays.copyOf(next, k.length), "k is not changed");
  }

  @Property(tries = 2000)
  void aPrefixRangeHoldsExactlyTheKeysWithThatPrefix(@ForAll @Size(max = 4) byte[] rawPrefix, @ForAll @Size(max = 7) byte[] rawKey) {
    byte[] p = narrow(rawPrefix);
    byte[] k = narrow(rawKey);
    boolean startsWith = k.length >= p.length && Arrays.equals(Arrays.copyOf(k, p.length), p);
    assertEquals(startsWith, KeyRange.prefix(p).contains(k));
  }

  @Property(tries = 200)
  void anAllFfPrefixHasNoUpperBound(@ForAll @Size(max = 5) byte[] raw) {
    byte[] ff = new byte[raw.length];
    Arrays.fill(ff, (byte) 0xff);
    assertTrue(KeyRange.prefix(ff).unboundedEnd());
    assertFalse(raw.length > 0 && KeyRange.prefix(narrow(new byte[] {0})).unboundedEnd());
  }
}
