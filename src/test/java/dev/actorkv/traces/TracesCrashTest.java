package dev.actorkv.traces;

import static dev.actorkv.traces.TestSpans.HOUR;
import static dev.actorkv.traces.TestSpans.RESOURCE;
import static dev.actorkv.traces.TestSpans.SCOPE;
import static dev.actorkv.traces.TestSpans.T0;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.testing.ChildJvm;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process recording spans is SIGKILLed; every acknowledged flush survives and later writes never overwrite. */
class TracesCrashTest {
  @TempDir Path dir;

  /** Child: records spans forever, printing the count after each successful flush. */
  public static void main(String[] args) {
    Path db = Path.of(args[0]);
    int offset = Integer.parseInt(args[1]);
    PrintStream out = System.out;
    try (ActorStore store = ActorStore.open(db);
        ActorTraces traces = ActorTraces.open(store.actor("crash"),
            TracesOptions.defaults().withFlushInterval(Duration.ofMillis(5)).withMaxChunkBytes(4096))) {
      for (int i = 0; ; i++) {
        long t = T0 + (offset + i) * 1_000_000L;
        traces.record(RESOURCE, SCOPE, TestSpans.completed(offset + i, t, t + 10));
        if (i % 10 == 9) {
          traces.flush();
          out.println(i + 1);
          out.flush();
        }
      }
    }
  }

  @Test
  void killedWriterLosesNoAcknowledgedSpanAndNothingIsOverwritten() throws Exception {
    Map<String, byte[]> seen = new HashMap<>();
    int offset = 0;
    for (int round = 0; round < 3; round++) {
      Path ack = dir.resolve("ack-" + round);
      Path db = dir.resolve("db");
      try (ChildJvm child = ChildJvm.start(TracesCrashTest.class, ack, db.toString(), Integer.toString(offset))) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (acked(ack) < 200 && System.nanoTime() < deadline && child.process().isAlive()) {
          Thread.sleep(20);
        }
        child.kill9();
      }
      int acked = acked(ack);
      assertTrue(acked >= 200, "child acknowledged " + acked + " spans; stderr: " + Files.readString(Path.of(ack + ".err")));
      try (ActorStore store = ActorStore.open(dir.resolve("db"))) {
        ActorKeyspace actor = store.actor("crash");
        for (KeyValue kv : actor.scan(TracesKeys.all(), Integer.MAX_VALUE)) {
          byte[] before = seen.putIfAbsent(SpanKey.hex().encode(kv.key()), kv.value());
          if (before != null) {
            assertArrayEquals(before, kv.value(), "chunk overwritten after restart " + round);
          }
        }
        assertEquals(List.of(), TraceChunks.check(actor, 4096));
        try (ActorTraces traces = ActorTraces.open(actor, TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
          Set<SpanKey> stored = new HashSet<>();
          traces.read(T0, T0 + HOUR, Integer.MAX_VALUE).spans().forEach(s -> stored.add(s.key()));
          for (int i = 0; i < acked; i++) {
            assertTrue(stored.contains(TestSpans.key(offset + i)), "acknowledged span " + (offset + i) + " lost");
          }
          offset += stored.size() + 1000;
        }
      }
    }
  }

  private static int acked(Path ack) throws Exception {
    if (!Files.exists(ack)) {
      return 0;
    }
    List<String> lines = Files.readAllLines(ack);
    int last = 0;
    for (String l : lines) {
      if (!l.isBlank() && l.chars().allMatch(Character::isDigit)) {
        last = Integer.parseInt(l.trim());
      }
    }
    return last;
  }
}
