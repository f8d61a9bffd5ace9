package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.Namespace;
import dev.actorkv.keyspace.QueueKeys;
import dev.actorkv.queue.ActorQueue;
import dev.actorkv.queue.QueueValueException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueInspectorTest {
  private final QueueInspector inspector = new QueueInspector();

  @Test
  void isRegistered() {
    assertTrue(Inspectors.all().stream().anyMatch(i -> i instanceof QueueInspector && i.namespace() == Namespace.QUEUE));
  }

  @Test
  void demoWritesAConsistentQueueWhoseValuesDecode(@TempDir Path dir) throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("demo");
      inspector.writeDemo(actor);
      CheckReport report = new CheckReport();
      inspector.audit().problems(actor).forEach(p -> report.problem(actor.actorId(), p));
      assertEquals(List.of(), report.problems());

      List<KeyValue> all = actor.scan(QueueKeys.all(), 100);
      assertEquals(4, all.size()); // metadata + 3 messages
      @SuppressWarnings("unchecked")
      Map<String, Object> md = (Map<String, Object>) inspector.audit().describeValue(KeyDescriber.describe(all.getFirst().key()), all.getFirst().value());
      assertEquals(Map.of("next_id", 5L, "size", 3L), md);
      @SuppressWarnings("unchecked")
      Map<String, Object> leased = (Map<String, Object>) inspector.audit().describeValue(KeyDescriber.describe(all.get(1).key()), all.get(1).value());
      assertEquals("resize", leased.get("name"));
      assertEquals("{\"image\":\"cat.png\",\"width\":128}", leased.get("body"));
      assertEquals(1L, leased.get("attempts"));
      assertTrue(leased.containsKey("lease_expires_at"));
      assertTrue(Json.write(leased).startsWith("{\"name\":\"resize\""));
      try (ActorQueue q = ActorQueue.open(actor)) {
        assertEquals(3, q.size());
      }
    }
  }

  @Test
  void binaryBodiesShowAsHex(@TempDir Path dir) {
    try (ActorStore store = ActorStore.open(dir); ActorQueue q = ActorQueue.open(store.actor("a"))) {
      q.enqueue("bin", new byte[] {(byte) 0xff, 0x00});
      byte[] value = store.actor("a").get(QueueKeys.message(1));
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) inspector.audit().describeValue(KeyDescriber.describe(QueueKeys.message(1)), value);
      assertEquals("ff00", m.get("body_hex"));
      assertThrows(QueueValueException.class,
          () -> inspector.audit().describeValue(KeyDescriber.describe(QueueKeys.message(1)), new byte[] {0x7f}));
    }
  }

  @Test
  void checkReportsMetadataThatDisagreesAndCorruptMessages(@TempDir Path dir) throws Exception {
    try (ActorStore store = ActorStore.open(dir)) {
      ActorKeyspace actor = store.actor("a");
      inspector.writeDemo(actor);
      actor.put(QueueKeys.message(2), new byte[] {0x7f});
      actor.delete(QueueKeys.message(4));
      CheckReport report = new CheckReport();
      inspector.audit().problems(actor).forEach(p -> report.problem(actor.actorId(), p));
      assertEquals(2, report.problems().size(), report.problems().toString());
      assertTrue(report.problems().get(0).contains("size 3 disagrees with the 2 messages"), report.problems().toString());
      assertTrue(report.problems().get(1).contains("queue message 2 does not decode"), report.problems().toString());
      assertTrue(report.problems().get(1).startsWith("actor \"a\": "));
    }
  }
}
