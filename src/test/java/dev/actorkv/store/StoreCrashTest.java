package dev.actorkv.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyRange;
import dev.actorkv.testing.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a process in the middle of a stream of commits (default durability, WAL without fsync):
 * after reopening, every acknowledged commit is there, every commit is all-or-nothing, and every
 * actor's recorded storage count equals a scan.
 */
class StoreCrashTest {
  static final List<String> ACTORS = List.of("a", "a\0", "ab", "");
  static final byte[] X = {4, 'x'};
  static final byte[] Y = {4, 'y'};

  /** Child process: commits forever, printing "ack ACTOR_INDEX N" after each commit returns. */
  public static final class Writer {
    public static void main(String[] args) {
      SplittableRandom random = new SplittableRandom(Long.parseLong(args[1]));
      try (ActorStore store = ActorStore.open(Path.of(args[0]))) {
        for (long n = 1; ; n++) {
          int ai = random.nextInt(ACTORS.size());
          ActorKeyspace a = store.actor(ACTORS.get(ai));
          byte[] counter = ByteBuffer.allocate(8).putLong(n).array();
          byte[] blob = new byte[random.nextInt(2000)];
          random.nextBytes(blob);
          ActorBatch batch = a.batch()
              .put(X, counter)
              .put(new byte[] {4, 'b', (byte) random.nextInt(64)}, blob)
              .put(Y, counter);
          if (random.nextInt(10) == 0) {
            batch.deleteRange(KeyRange.of(new byte[] {4, 'b', (byte) random.nextInt(64)}, new byte[] {4, 'b', (byte) 64}));
          }
          a.commit(batch);
          System.out.println("ack " + ai + " " + n);
          System.out.flush();
        }
      }
    }
  }

  @Test
  void killedWriterLosesNoAcknowledgedCommitAndNoCommitIsPartial(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("db");
    Path acks = tmp.resolve("acks.txt");
    for (int round = 0; round < 2; round++) {
      try (ChildJvm child = ChildJvm.start(Writer.class, acks, dir.toString(), String.valueOf(round))) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (countLines(acks) < 300 * (round + 1) && System.nanoTime() < deadline) {
          assertTrue(child.process().isAlive(), () -> "writer died: " + readQuietly(Path.of(acks + ".err")));
          Thread.sleep(20);
        }
        child.kill9();
      }
      Map<Integer, Long> lastAck = new HashMap<>();
      for (String line : Files.readAllLines(acks)) {
        String[] f = line.split(" ");
        if (f.length == 3 && f[0].equals("ack")) {
          lastAck.merge(Integer.parseInt(f[1]), Long.parseLong(f[2]), Math::max);
        }
      }
      assertTrue(lastAck.size() > 1, "the writer made progress");
      try (ActorStore store = ActorStore.open(dir)) {
        for (int ai = 0; ai < ACTORS.size(); ai++) {
          ActorKeyspace a = store.actor(ACTORS.get(ai));
          byte[] x = a.get(X);
          byte[] y = a.get(Y);
          assertArrayEquals(x, y, "a commit is all-or-nothing");
          if (lastAck.containsKey(ai)) {
            assertNotNull(x);
            assertTrue(ByteBuffer.wrap(x).getLong() >= lastAck.get(ai), "acknowledged commit survived the kill");
          }
          assertEquals(a.scanStorageBytes(), a.storageBytes(), "count of " + ai);
          assertEquals(a.scanStorageBytes(), a.recordedStorageBytes() < 0 ? 0 : a.recordedStorageBytes());
        }
      }
      Files.delete(acks);
    }
  }

  static long countLines(Path p) throws Exception {
    if (!Files.exists(p)) {
      return 0;
    }
    try (var lines = Files.lines(p)) {
      return lines.count();
    }
  }

  static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (Exception e) {
      return "(no stderr)";
    }
  }
}
