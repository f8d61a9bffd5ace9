package dev.actorkv.migrate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.Message;
import dev.actorkv.sqlite.QueryResult;
import dev.actorkv.sqlite.SqliteDatabase;
import dev.actorkv.store.ActorBatch;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.StoredSpan;
import dev.actorkv.traces.TraceRead;
import dev.actorkv.traces.TracesOptions;
import dev.actorkv.workflow.Workflow;
import dev.actorkv.workflow.WorkflowEngine;
import dev.actorkv.workflow.WorkflowOutcome;
import dev.actorkv.workflow.WorkflowState;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legacy data of all four managers, written with the managers' current value formats at legacy keys,
 * migrates and then reads correctly through the managers. The data is produced by the managers
 * themselves in a scratch actor, re-keyed to the legacy layout with {@link LegacyMapping#toLegacy},
 * and imported into the actor under test (plus a legacy workflow "version" field, which has no v1 key).
 */
class LegacyManagersTest {
  private static final long T0 = 1_795_219_200L * 1_000_000_000L;
  private static final Resource RESOURCE = Resource.newBuilder().addAttributes(attr("service.name", "legacy-actor")).build();
  private static final InstrumentationScope SCOPE = InstrumentationScope.newBuilder().setName("dev.actorkv.migrate.test").build();

  @TempDir Path dir;

  private static KeyValue attr(String k, String v) {
    return KeyValue.newBuilder().setKey(k).setValue(AnyValue.newBuilder().setStringValue(v)).build();
  }

  private static Span span(int n) {
    return Span.newBuilder()
        .setTraceId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(0x5eedL).putLong(n / 3 + 1).array()))
        .setSpanId(ByteString.copyFrom(ByteBuffer.allocate(8).putLong(n + 1).array()))
        .setName("op-" + n)
        .setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
        .setStartTimeUnixNano(T0 + n * 1_000_000_000L)
        .setEndTimeUnixNano(T0 + n * 1_000_000_000L + 5_000_000L)
        .addAttributes(attr("n", "" + n))
        .build();
  }

  private static final Workflow<String, String> WORKFLOW = Workflow.of(String.class, String.class, (ctx, in) -> {
    String a = ctx.step("fetch", String.class, () -> in + ":fetched");
    long b = ctx.step("count", Long.class, () -> (long) a.length());
    return a + "/" + b;
  });

  @Test
  void legacyDataOfAllFourManagersMigratesAndReadsThroughTheManagers() {
    List<Message> enqueued = new ArrayList<>();
    List<Span> spans = new ArrayList<>();
    TreeMap<byte[], byte[]> v1Contents;
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace scratch = store.actor("scratch");
      try (ActorQueue queue = ActorQueue.open(scratch)) {
        for (int i = 0; i < 6; i++) {
          enqueued.add(queue.enqueue(i % 2 == 0 ? "jobs" : "mail", ("message " + i).getBytes(StandardCharsets.UTF_8)));
        }
      }
      assertEquals(new WorkflowOutcome.Completed<>("in:fetched/10"), WorkflowEngine.open(scratch).run(WORKFLOW, "in"));
      try (ActorTraces traces = ActorTraces.open(scratch, TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
        for (int i = 0; i < 20; i++) {
          spans.add(span(i));
          traces.record(RESOURCE, SCOPE, spans.getLast());
          if (i % 7 == 6) {
            traces.flush(); // several chunks
          }
        }
      }
      try (SqliteDatabase db = SqliteDatabase.open(scratch)) {
        db.execute("CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB)");
        db.execute("BEGIN");
        for (int i = 0; i < 300; i++) {
          db.execute("INSERT INTO kv VALUES (?, ?)", "key-" + i, new byte[200]);
        }
        db.execute("COMMIT");
      }
      v1Contents = LegacyFixture.read(scratch);
      for (Namespace ns : MigrationCounts.NAMESPACES) {
        assertTrue(v1Contents.keySet().stream().anyMatch(k -> k[0] == ns.prefixByte()), "scratch has " + ns + " keys");
      }

      ActorKeyspace legacy = store.actor("legacy");
      ActorBatch b = legacy.batch();
      for (Map.Entry<byte[], byte[]> e : v1Contents.entrySet()) {
        KeyDescription d = KeyDescriber.describe(e.getKey());
        b.put(LegacyMapping.toLegacy(d).map(KeyDescription::encode).orElse(e.getKey()), e.getValue());
      }
      b.put(LegacyKeys.workflowField(WorkflowField.VERSION), new byte[] {0x08, 0x01});
      legacy.commit(b);
      assertEquals(0, Migrations.layoutVersion(legacy));
      assertTrue(LegacyFixture.read(legacy).keySet().stream().anyMatch(LegacyKeys::isLegacy));
    }

    try (ActorStore store = Migrations.open(dir)) {
      ActorKeyspace actor = store.actor("legacy"); // migrated here, before actor() returns
      assertEquals(1, Migrations.layoutVersion(actor));
      assertEquals(LegacyFixture.hex(v1Contents), LegacyFixture.hex(LegacyFixture.read(actor)),
          "the migrated actor holds exactly what the managers wrote in v1");

      try (ActorQueue queue = ActorQueue.open(actor)) {
        assertEquals(List.of(), queue.recoveredProblems());
        assertEquals(enqueued, queue.list(0, 100).messages());
        Message next = queue.enqueue("jobs", new byte[] {7});
        assertEquals(enqueued.getLast().id() + 1, next.id(), "the queue metadata moved too");
      }
      AtomicInteger reran = new AtomicInteger();
      Workflow<String, String> counting = Workflow.of(String.class, String.class, (ctx, in) -> {
        reran.incrementAndGet();
        return "must not run";
      });
      assertEquals(WorkflowState.COMPLETED, WorkflowEngine.status(actor).state());
      assertEquals(new WorkflowOutcome.Completed<>("in:fetched/10"), WorkflowEngine.open(actor).run(counting, "other"));
      assertEquals(0, reran.get(), "a completed workflow answers from its migrated output");
      try (ActorTraces traces = ActorTraces.open(actor, TracesOptions.defaults().withFlushInterval(Duration.ZERO))) {
        TraceRead read = traces.read(T0, T0 + 3_600_000_000_000L, 1000);
        assertFalse(read.truncated());
        assertEquals(spans, read.spans().stream().map(StoredSpan::span).toList());
      }
      try (SqliteDatabase db = SqliteDatabase.open(actor)) {
        QueryResult r = db.query("SELECT count(*), min(k), max(k) FROM kv");
        assertEquals(300L, r.single().get(0));
        assertEquals("key-0", r.single().get(1));
        assertEquals("key-99", r.single().get(2));
        assertEquals("ok", db.query("PRAGMA integrity_check").single().get(0));
      }
    }
  }

  @Test
  void legacyInputFieldBecomesTheWorkflowInput() {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace scratch = store.actor("scratch");
      Workflow<String, String> sleepy = Workflow.of(String.class, String.class, (ctx, in) -> {
        ctx.sleep("nap", Duration.ofDays(1));
        return in;
      });
      assertTrue(WorkflowEngine.open(scratch).run(sleepy, "original input") instanceof WorkflowOutcome.Sleeping<?>);
      ActorKeyspace legacy = store.actor("legacy");
      ActorBatch b = legacy.batch();
      for (Map.Entry<byte[], byte[]> e : LegacyFixture.read(scratch).entrySet()) {
        b.put(LegacyMapping.toLegacy(KeyDescriber.describe(e.getKey())).map(KeyDescription::encode).orElse(e.getKey()), e.getValue());
      }
      legacy.commit(b);
      assertArrayEquals(scratch.get(dev.actorkv.keyspace.WorkflowKeys.field(WorkflowField.INPUT)),
          legacy.get(LegacyKeys.workflowField(WorkflowField.INPUT)), "legacy input is (3,5)");
      Migrator.withDefaults().migrate(legacy);
      assertEquals(LegacyFixture.hex(LegacyFixture.read(scratch)), LegacyFixture.hex(LegacyFixture.read(legacy)));
      assertEquals(WorkflowEngine.status(scratch), WorkflowEngine.status(legacy));
    }
  }
}
