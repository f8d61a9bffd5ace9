package dev.actorkv.keyspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.actorkv.tuple.Tuple;
import java.util.Arrays;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link WorkflowKeys#historyLocation} (the load path's direct decoder) accepts exactly the keys the
 * general {@link KeyDescriber} describes as v1 workflow history, with the same location.
 */
class WorkflowHistoryKeyDecodeTest {
  @Property(tries = 500)
  void roundTrips(@ForAll("locations") WorkflowLocation loc) {
    assertEquals(loc, WorkflowKeys.historyLocation(WorkflowKeys.history(loc)));
  }

  @Property(tries = 500)
  void childKeyFromTheParentPrefixIsTheChildKey(@ForAll("locations") WorkflowLocation loc, @ForAll @IntRange(max = 1 << 20) int index,
      @ForAll long anyIndex) {
    byte[] prefix = WorkflowKeys.historyPrefix(loc);
    assertEquals(java.util.Arrays.toString(WorkflowKeys.history(loc.name(index))),
        java.util.Arrays.toString(WorkflowKeys.historyChild(prefix, index)));
    if (anyIndex >= 0) {
      assertEquals(java.util.Arrays.toString(WorkflowKeys.history(loc.name(anyIndex))),
          java.util.Arrays.toString(WorkflowKeys.historyChild(prefix, anyIndex)));
    } else {
      assertThrows(IllegalArgumentException.class, () -> WorkflowKeys.historyChild(prefix, anyIndex));
    }
    assertEquals(java.util.Arrays.toString(WorkflowKeys.historySubtree(loc).begin()), java.util.Arrays.toString(prefix));
  }

  @Property(tries = 500)
  void agreesWithTheGeneralDecoderOnEveryKind(@ForAll("keys") KeyArbitraries.BuiltKey k) {
    assertSameAsGeneral(k.key());
  }

  /** Corrupted history keys: a byte changed, the key cut short or extended. */
  @Property(tries = 1000)
  void agreesWithTheGeneralDecoderOnDamagedKeys(@ForAll("locations") WorkflowLocation loc,
      @ForAll @IntRange(max = 200) int position, @ForAll byte value, @ForAll @IntRange(max = 2) int damage,
      @ForAll @Size(max = 3) byte[] tail) {
    byte[] key = WorkflowKeys.history(loc);
    int at = position % key.length;
    assertSameAsGeneral(damaged(key, at, value, damage, tail));
  }

  /** nameIndex and entryId decode directly too: same values and same errors as the general decoder. */
  @Property(tries = 500)
  void nameAndEntryIdDecodersAgreeWithTheGeneralDecoder(@ForAll("keys") KeyArbitraries.BuiltKey k) {
    assertSameNameAndIdAsGeneral(k.key());
  }

  @Property(tries = 1000)
  void nameAndEntryIdDecodersAgreeOnDamagedKeys(@ForAll("smallOrAny") long index, @ForAll("text") String id,
      @ForAll @IntRange(max = 200) int position, @ForAll byte value, @ForAll @IntRange(max = 2) int damage,
      @ForAll @Size(max = 3) byte[] tail) {
    for (byte[] key : new byte[][] {WorkflowKeys.name(index < 0 ? ~index : index), WorkflowKeys.entryMetadata(id)}) {
      int at = position % key.length;
      assertSameNameAndIdAsGeneral(key);
      assertSameNameAndIdAsGeneral(damaged(key, at, value, damage, tail));
    }
  }

  /** {@code key} with one byte changed (damage 0), cut short at {@code at} (1), or extended by {@code tail} (2). */
  private static byte[] damaged(byte[] key, int at, byte value, int damage, byte[] tail) {
    return switch (damage) {
      case 0 -> {
        byte[] b = key.clone();
        b[at] = value;
        yield b;
      }
      case 1 -> Arrays.copyOf(key, at);
      default -> {
        byte[] b = Arrays.copyOf(key, key.length + tail.length);
        System.arraycopy(tail, 0, b, key.length, tail.length);
        yield b;
      }
    };
  }

  private static void assertSameNameAndIdAsGeneral(byte[] key) {
    String expectedName;
    try {
      expectedName = "ok " + KeyDescriber.describeAs(key, KeyDescription.WorkflowName.class).index();
    } catch (KeyFormatException e) {
      expectedName = "error " + e.getMessage();
    }
    String actualName;
    try {
      actualName = "ok " + WorkflowKeys.nameIndex(key);
    } catch (KeyFormatException e) {
      actualName = "error " + e.getMessage();
    }
    assertEquals(expectedName, actualName);
    String expectedId;
    try {
      expectedId = "ok " + KeyDescriber.describeAs(key, KeyDescription.WorkflowEntryMetadata.class).entryId();
    } catch (KeyFormatException e) {
      expectedId = "error " + e.getMessage();
    }
    String actualId;
    try {
      actualId = "ok " + WorkflowKeys.entryId(key);
    } catch (KeyFormatException e) {
      actualId = "error " + e.getMessage();
    }
    assertEquals(expectedId, actualId);
  }

  @Provide
  Arbitrary<Long> smallOrAny() {
    return KeyArbitraries.smallOrAny();
  }

  @Provide
  Arbitrary<String> text() {
    return KeyArbitraries.text();
  }

  @Test
  void rejectsWhatIsNotAV1HistoryKey() {
    assertThrows(KeyFormatException.class, () -> WorkflowKeys.historyLocation(WorkflowKeys.name(3)));
    assertThrows(KeyFormatException.class, () -> WorkflowKeys.historyLocation(new byte[] {0x06, 0x01}));
    // Legacy history has the same tuple under a different prefix.
    byte[] legacy = Tuple.of(2L, 5L).packWithPrefix(new byte[] {0x07});
    assertThrows(KeyFormatException.class, () -> WorkflowKeys.historyLocation(legacy));
    byte[] negative = Tuple.of(2L, -1L).packWithPrefix(WorkflowKeys.PREFIX);
    KeyFormatException e = assertThrows(KeyFormatException.class, () -> WorkflowKeys.historyLocation(negative));
    assertEquals("workflow location segment 1 must be >= 0, found -1", e.getMessage());
    byte[] text = Tuple.of(2L, 1L, "x").packWithPrefix(WorkflowKeys.PREFIX);
    e = assertThrows(KeyFormatException.class, () -> WorkflowKeys.historyLocation(text));
    assertEquals("workflow location segment 2 must be an integer, found a string", e.getMessage());
    assertThrows(KeyFormatException.class,
        () -> WorkflowKeys.historyLocation(Tuple.of(2L).packWithPrefix(WorkflowKeys.PREFIX)));
  }

  private static void assertSameAsGeneral(byte[] key) {
    WorkflowLocation expected;
    try {
      expected = KeyDescriber.describeAs(key, KeyDescription.WorkflowHistory.class).location();
    } catch (KeyFormatException e) {
      KeyFormatException fast = assertThrows(KeyFormatException.class, () -> WorkflowKeys.historyLocation(key));
      assertEquals(e.getMessage(), fast.getMessage());
      return;
    }
    assertEquals(expected, WorkflowKeys.historyLocation(key));
  }

  @Provide
  Arbitrary<WorkflowLocation> locations() {
    return KeyArbitraries.locations();
  }

  @Provide
  Arbitrary<KeyArbitraries.BuiltKey> keys() {
    return KeyArbitraries.anyKey();
  }
}
