package dev.actorkv.keyspace;

import dev.actorkv.tuple.Tuple;
import dev.actorkv.tuple.TupleFormatException;

/** Decoding of the packed-tuple suffix of workflow and traces keys, with layout-level checks. */
final class TupleKeys {
  private TupleKeys() {}

  static Tuple suffix(byte[] key, int offset, String what) {
    if (offset >= key.length) {
      throw new KeyFormatException(what + " is truncated: no tuple after the prefix");
    }
    try {
      return Tuple.fromBytes(key, offset);
    } catch (TupleFormatException e) {
      throw new KeyFormatException(what + " has a bad tuple: " + e.getMessage(), e);
    }
  }

  /** Element {@code i} as a non-negative integer in the long range. */
  static long nonNegative(Tuple t, int i, String what) {
    Object e = t.get(i);
    if (!(e instanceof Long l)) {
      throw new KeyFormatException(what + " must be an integer, found " + describe(e));
    }
    if (l < 0) {
      throw new KeyFormatException(what + " must be >= 0, found " + l);
    }
    return l;
  }

  static String describe(Object e) {
    return switch (e) {
      case null -> "null";
      case byte[] b -> "bytes";
      case String s -> "a string";
      case Tuple t -> "a nested tuple";
      case java.math.BigInteger b -> "an integer out of range (" + b + ")";
      default -> "a " + e.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
    };
  }

  static void requireSize(Tuple t, int size, String what) {
    if (t.size() != size) {
      throw new KeyFormatException(what + " must have " + size + " tuple elements, found " + t.size());
    }
  }
}
