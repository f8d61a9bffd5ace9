package dev.actorkv.reliability;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded, reproducible stream of hostile byte inputs for a decoder: random bytes, bytes drawn from the
 * format's interesting values, valid samples mutated (bit flips, byte insert/delete, truncation,
 * extension, splices, overwrites), and huge claims (protobuf length prefixes near 2^31 and 2^63,
 * overlong varints, deeply nested tuples, megabyte inputs). The same seed gives the same inputs, so a
 * violation is reproduced by its seed and index.
 */
final class HostileInputs {
  /** Type codes of the tuple layer and protobuf wire bytes that decoders branch on. */
  private static final byte[] INTERESTING = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x12, 0x13, 0x14,
    0x15, 0x16, 0x1b, 0x1c, 0x1d, 0x1e, 0x20, 0x21, 0x26, 0x27, 0x30, 0x33, 0x7f, (byte) 0x80, (byte) 0x81,
    (byte) 0xc0, (byte) 0xc3, (byte) 0xed, (byte) 0xf0, (byte) 0xf4, (byte) 0xfe, (byte) 0xff
  };

  private final SplittableRandom random;
  private final List<byte[]> samples;

  /** {@code samples} are valid encodings of the decoder's format, the starting points of mutations. */
  HostileInputs(long seed, List<byte[]> samples) {
    this.random = new SplittableRandom(seed);
    this.samples = samples.stream().map(byte[]::clone).toList();
  }

  byte[] next() {
    int kind = random.nextInt(100);
    if (kind < 10) {
      return randomBytes(smallLength());
    }
    if (kind < 20) {
      return interestingBytes(smallLength());
    }
    if (kind < 25) {
      return hugeClaim();
    }
    if (samples.isEmpty()) {
      return randomBytes(smallLength());
    }
    byte[] b = sample();
    int mutations = 1 + random.nextInt(random.nextInt(10) == 0 ? 8 : 3);
    for (int i = 0; i < mutations; i++) {
      b = mutate(b);
    }
    return b;
  }

  private int smallLength() {
    return random.nextInt(8) == 0 ? random.nextInt(512) : random.nextInt(24);
  }

  private byte[] sample() {
    return samples.get(random.nextInt(samples.size())).clone();
  }

  private byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private byte interesting() {
    return INTERESTING[random.nextInt(INTERESTING.length)];
  }

  private byte[] interestingBytes(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = random.nextInt(4) == 0 ? (byte) random.nextInt(256) : interesting();
    }
    return b;
  }

  private byte[] mutate(byte[] b) {
    switch (random.nextInt(9)) {
      case 0 -> { // bit flip
        if (b.length > 0) {
          b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
      }
      case 1 -> { // insert a byte
        int at = random.nextInt(b.length + 1);
        byte v = random.nextBoolean() ? interesting() : (byte) random.nextInt(256);
        return splice(b, at, at, new byte[] {v});
      }
      case 2 -> { // delete a run
        if (b.length == 0) {
          return b;
        }
        int at = random.nextInt(b.length);
        int n = 1 + random.nextInt(Math.min(4, b.length - at));
        return splice(b, at, at + n, new byte[0]);
      }
      case 3 -> { // truncate
        return Arrays.copyOf(b, b.length == 0 ? 0 : random.nextInt(b.length));
      }
      case 4 -> { // extend
        byte[] tail = random.nextBoolean() ? randomBytes(1 + random.nextInt(8)) : interestingBytes(1 + random.nextInt(8));
        return splice(b, b.length, b.length, tail);
      }
      case 5 -> { // splice with another sample
        byte[] other = sample();
        int cut = random.nextInt(b.length + 1);
        int from = random.nextInt(other.length + 1);
        return splice(Arrays.copyOf(b, cut), cut, cut, Arrays.copyOfRange(other, from, other.length));
      }
      case 6 -> { // overwrite with an interesting byte
        if (b.length > 0) {
          b[random.nextInt(b.length)] = interesting();
        }
        return b;
      }
      case 7 -> { // duplicate a region
        if (b.length == 0) {
          return b;
        }
        int from = random.nextInt(b.length);
        int to = from + 1 + random.nextInt(b.length - from);
        return splice(b, to, to, Arrays.copyOfRange(b, from, to));
      }
      default -> { // set a boundary value at an offset
        if (b.length > 0) {
          b[random.nextInt(b.length)] = random.nextBoolean() ? 0x00 : (byte) 0xff;
        }
        return b;
      }
    }
  }

  /** Inputs that claim far more than they hold, or nest or grow far beyond normal sizes. */
  private byte[] hugeClaim() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    switch (random.nextInt(7)) {
      case 0 -> { // protobuf length-delimited field with a huge length
        writeVarint(out, (long) (1 + random.nextInt(20)) << 3 | 2);
        writeVarint(out, random.nextBoolean() ? Integer.MAX_VALUE - random.nextInt(16) : Long.MAX_VALUE - random.nextInt(16));
        out.writeBytes(randomBytes(random.nextInt(16)));
      }
      case 1 -> { // overlong varint (more than 10 continuation bytes)
        writeVarint(out, (long) (1 + random.nextInt(20)) << 3);
        for (int i = 0; i < 10 + random.nextInt(20); i++) {
          out.write(0xff);
        }
      }
      case 2 -> { // deeply nested tuple
        int depth = 100 + random.nextInt(random.nextBoolean() ? 1000 : 100_000);
        out.writeBytes(run(depth, (byte) 0x05));
        if (random.nextBoolean()) {
          out.writeBytes(run(depth, (byte) 0x00));
        }
      }
      case 3 -> { // a long arbitrary-precision integer claim
        out.write(random.nextBoolean() ? 0x1d : 0x0b);
        out.write(random.nextInt(256));
        out.writeBytes(randomBytes(random.nextInt(300)));
      }
      case 4 -> { // a valid sample behind a megabyte-scale run
        out.writeBytes(run(1 << (10 + random.nextInt(11)), interesting()));
        if (!samples.isEmpty()) {
          out.writeBytes(sample());
        }
      }
      case 5 -> { // a sample followed by a huge protobuf field
        if (!samples.isEmpty()) {
          out.writeBytes(sample());
        }
        writeVarint(out, 0x7ffL << 3 | 2);
        writeVarint(out, 1L << (20 + random.nextInt(43)));
      }
      default -> { // nested protobuf groups / messages, each claiming the rest
        int depth = 50 + random.nextInt(2000);
        for (int i = 0; i < depth; i++) {
          writeVarint(out, (long) (1 + random.nextInt(5)) << 3 | (random.nextBoolean() ? 2 : 3));
          if (random.nextBoolean()) {
            writeVarint(out, 1000L * (depth - i));
          }
        }
      }
    }
    return out.toByteArray();
  }

  private static byte[] run(int n, byte fill) {
    byte[] b = new byte[n];
    Arrays.fill(b, fill);
    return b;
  }

  private static void writeVarint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    byte[] out = new byte[b.length - (to - from) + insert.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(b, to, out, from + insert.length, b.length - to);
    return out;
  }
}
