package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.traces.TraceFormatException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TracesInspectorTest {
  @TempDir Path dir;

  final TracesInspector inspector = new TracesInspector();

  @Test
  void isRegistered() {
    assertTrue(Inspectors.all().stream().anyMatch(i -> i.namespace() == Namespace.TRACES));
  }

  @Test
  void demoWritesSpansThatDecodeAndCheckClean() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("demo");
      inspector.writeDemo(actor);
      List<KeyValue> chunks = actor.scan(TracesKeys.all(), 100);
      assertFalse(chunks.isEmpty());
      int records = 0;
      for (KeyValue kv : chunks) {
        Object decoded = inspector.audit().describeValue(KeyDescriber.describe(kv.key()), kv.value());
        Map<?, ?> m = (Map<?, ?>) decoded;
        assertEquals(1, ((Number) m.get("formatVersion")).intValue());
        for (Object r : (List<?>) m.get("records")) {
          String traceId = (String) ((Map<?, ?>) r).get("traceId");
          assertTrue(traceId.matches("[0-9a-f]{32}"), traceId);
          records++;
        }
        Json.write(decoded); // JSON-serializable
      }
      assertEquals(2, records); // each span started and ended within one flush: one record each
      CheckReport report = new CheckReport();
      inspector.audit().problems(actor).forEach(p -> report.problem(actor.actorId(), p));
      assertTrue(report.ok(), report.problems().toString());
    }
  }

  @Test
  void checkNamesCorruptChunksAndDuplicateSpans() throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("bad");
      inspector.writeDemo(actor);
      KeyValue first = actor.scan(TracesKeys.all(), 1).getFirst();
      KeyDescription.TracesChunk k = TracesKeys.decodeChunk(first.key());
      // The same chunk copied under a new id repeats every span's records; plus garbage and a misaligned bucket.
      actor.put(TracesKeys.chunk(k.bucketStartSec(), k.chunkId() + 100), first.value());
      actor.put(TracesKeys.chunk(k.bucketStartSec(), k.chunkId() + 101), new byte[] {1, 2, 3});
      actor.put(TracesKeys.chunk(k.bucketStartSec() + 1, 0), first.value());
      CheckReport report = new CheckReport();
      inspector.audit().problems(actor).forEach(p -> report.problem(actor.actorId(), p));
      String all = String.join("\n", report.problems());
      assertTrue(all.contains("second end record"), all);
      assertTrue(all.contains("not a TraceChunk"), all);
      assertTrue(all.contains("not a multiple of 3600"), all);
      assertTrue(all.contains("actor \"bad\""), all);
      assertThrows(TraceFormatException.class, () -> inspector.audit().describeValue(
          KeyDescriber.describe(TracesKeys.chunk(k.bucketStartSec(), k.chunkId() + 101)), new byte[] {1, 2, 3}));
      // A record outside its key's bucket.
      assertThrows(TraceFormatException.class, () -> inspector.audit().describeValue(
          KeyDescriber.describe(TracesKeys.chunk(k.bucketStartSec() + 3600, 0)), first.value()));
    }
  }
}
