package dev.actorkv.tuple;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Cross-check against the FoundationDB Java binding's tuple layer (the reference implementation of the
 * format): both encoders write the same bytes, each decodes the other's bytes to the same tuple, and
 * both order tuples the same way.
 */
class FdbCrossCheckTest {
  private static final HexFormat HEX = HexFormat.of();

  @Provide
  Arbitrary<Tuple> tuples() {
    return TupleArbitraries.tuples();
  }

  @Property(tries = 1000)
  void ourPackEqualsTheirPack(@ForAll("tuples") Tuple t) {
    assertEquals(HEX.formatHex(toFdb(t).pack()), HEX.formatHex(t.pack()), t::toString);
  }

  @Property(tries = 1000)
  void eachDecodesTheOthersBytes(@ForAll("tuples") Tuple t) {
    com.apple.foundationdb.tuple.Tuple theirs = toFdb(t);
    byte[] theirBytes = theirs.pack();
    assertEquals(t, Tuple.fromBytes(theirBytes));
    assertEquals(t, fromFdb(com.apple.foundationdb.tuple.Tuple.fromBytes(t.pack())));
  }

  @Property(tries = 1000)
  void bothOrderTuplesTheSameWay(@ForAll("tuples") Tuple a, @ForAll("tuples") Tuple b) {
    assertEquals(Integer.signum(toFdb(a).compareTo(toFdb(b))), Integer.signum(a.compareTo(b)), () -> a + " vs " + b);
  }

  static com.apple.foundationdb.tuple.Tuple toFdb(Tuple t) {
    List<Object> items = new ArrayList<>(t.size());
    for (int i = 0; i < t.size(); i++) {
      items.add(switch (t.get(i)) {
        case Tuple nested -> toFdb(nested);
        case Versionstamp v -> com.apple.foundationdb.tuple.Versionstamp.fromBytes(v.toBytes());
        case null -> null;
        case Object o -> o;
      });
    }
    return com.apple.foundationdb.tuple.Tuple.fromList(items);
  }

  static Tuple fromFdb(com.apple.foundationdb.tuple.Tuple t) {
    List<Object> items = new ArrayList<>(t.size());
    for (Object o : t.getItems()) {
      items.add(switch (o) {
        case com.apple.foundationdb.tuple.Tuple nested -> fromFdb(nested);
        // fdb-java decodes nested tuples as lists
        case List<?> nested -> fromFdb(com.apple.foundationdb.tuple.Tuple.fromList(nested));
        case com.apple.foundationdb.tuple.Versionstamp v -> Versionstamp.fromBytes(v.getBytes());
        case BigInteger b -> b;
        case Long l -> l;
        case UUID u -> u;
        case null -> null;
        case Object other -> other;
      });
    }
    return Tuple.fromList(items);
  }
}
