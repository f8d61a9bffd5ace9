package dev.actorkv.keyspace;

import dev.actorkv.tuple.Tuple;
import java.util.Arrays;

/**
 * The keys that start with one fixed prefix, as in the FoundationDB tuple layer: {@link #pack} appends a
 * packed tuple to the prefix, {@link #unpack} takes it off again (strictly), {@link #range} selects
 * exactly the keys {@link #contains} accepts (its end is {@link KeyRange#strinc}; a paged scan resumes at
 * {@link KeyRange#keyAfter}). The layout's subspaces come from {@link Layout}; key builders hold their
 * prefixes in static finals so a key costs one copy of the prefix, not a tree walk.
 */
public final class Subspace {
  private final byte[] prefix;

  private Subspace(byte[] prefix) {
    this.prefix = prefix;
  }

  /** The subspace of every key starting with {@code prefix} (copied). */
  public static Subspace of(byte[] prefix) {
    return new Subspace(prefix.clone());
  }

  /** The sub-subspace whose prefix is this prefix followed by the raw bytes {@code suffix}. */
  public Subspace withRaw(byte... suffix) {
    return new Subspace(Bytes.concat(prefix, suffix));
  }

  /** The sub-subspace whose prefix is this prefix followed by {@code elements} packed. */
  public Subspace withTuple(Tuple elements) {
    return new Subspace(elements.packWithPrefix(prefix));
  }

  /** A copy of the prefix. */
  public byte[] prefix() {
    return prefix.clone();
  }

  public int prefixLength() {
    return prefix.length;
  }

  /** The prefix followed by {@code t} packed. */
  public byte[] pack(Tuple t) {
    return t.packWithPrefix(prefix);
  }

  /** The prefix followed by the raw bytes {@code suffix}. */
  public byte[] packRaw(byte[] suffix) {
    return Bytes.concat(prefix, suffix);
  }

  /**
   * The tuple after the prefix of {@code key}. Throws {@link KeyFormatException} when the key is not in
   * this subspace, has nothing after the prefix, or the rest is not one canonical packed tuple.
   */
  public Tuple unpack(byte[] key) {
    if (!contains(key)) {
      throw new KeyFormatException("key " + Bytes.hex(key) + " is not under prefix " + Bytes.hex(prefix));
    }
    return TupleKeys.suffix(key, prefix.length, "key under prefix " + Bytes.hex(prefix));
  }

  /** Whether {@code key} starts with the prefix. */
  public boolean contains(byte[] key) {
    return Bytes.startsWith(key, prefix);
  }

  /** Exactly the keys that start with the prefix. */
  public KeyRange range() {
    return KeyRange.prefix(prefix);
  }

  /** Exactly the keys that start with {@code pack(t)}. */
  public KeyRange range(Tuple t) {
    return KeyRange.prefix(pack(t));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Subspace s && Arrays.equals(prefix, s.prefix);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(prefix);
  }

  @Override
  public String toString() {
    return "Subspace[" + Bytes.hex(prefix) + "]";
  }
}
