package dev.actorkv.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.workflow.WorkflowHistory;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.LoopEntry;
import dev.actorkv.workflow.proto.StepEntry;
import dev.actorkv.workflow.proto.WorkflowStateCode;
import dev.actorkv.workflow.proto.WorkflowStateValue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowInspectorTest {
  @TempDir Path dir;
  ActorStore store;
  ActorKeyspace actor;
  final WorkflowInspector inspector = new WorkflowInspector();

  @BeforeEach
  void open() throws Exception {
    store = ActorStore.open(dir);
    actor = store.actor("demo");
    inspector.writeDemo(actor);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private List<String> problems() {
    CheckReport r = new CheckReport();
    inspector.audit().problems(actor).forEach(p -> r.problem(actor.actorId(), p));
    return r.problems();
  }

  @Test
  void registeredOnce() {
    assertEquals(1, Inspectors.all().stream().filter(i -> i instanceof WorkflowInspector).count());
  }

  @Test
  void demoIsConsistentAndEveryValueDecodes() {
    assertEquals(List.of(), problems());
    List<KeyValue> all = actor.scan(WorkflowKeys.all(), 10_000);
    assertTrue(all.size() > 10, "demo writes names, history, metadata and fields: " + all.size());
    boolean sawState = false;
    boolean sawStep = false;
    for (KeyValue kv : all) {
      KeyDescription d = KeyDescriber.describe(kv.key());
      Object decoded = inspector.audit().describeValue(d, kv.value());
      String json = Json.write(decoded);
      if (d instanceof KeyDescription.WorkflowFieldKey f && f.field() == WorkflowField.STATE) {
        assertEquals("{\"state\":\"WORKFLOW_SLEEPING\"", json.substring(0, json.indexOf(',')));
        sawState = true;
      }
      if (d instanceof KeyDescription.WorkflowFieldKey f && f.field() == WorkflowField.INPUT) {
        assertEquals("order-1", ((Map<?, ?>) decoded).get("utf8"));
      }
      sawStep |= json.contains("\"step\":");
    }
    assertTrue(sawState && sawStep);
  }

  @Test
  void undecodableValueIsRejected() {
    KeyDescription d = KeyDescriber.describe(WorkflowKeys.field(WorkflowField.STATE));
    assertThrows(dev.actorkv.workflow.WorkflowHistoryCorruptException.class, () -> inspector.audit().describeValue(d, new byte[] {(byte) 0xff, 0x7f}));
  }

  @Test
  void missingMetadataAndOrphanMetadataAreReported() {
    KeyValue md = actor.first(WorkflowKeys.entryMetadata(), false);
    actor.delete(md.key());
    actor.put(WorkflowKeys.entryMetadata("nobody"), new byte[0]);
    List<String> p = problems();
    assertEquals(2, p.size(), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("missing metadata")));
    assertTrue(p.stream().anyMatch(s -> s.contains("nobody")));
  }

  @Test
  void completedWithoutOutputIsReported() {
    actor.put(WorkflowKeys.field(WorkflowField.STATE),
        WorkflowStateValue.newBuilder().setState(WorkflowStateCode.WORKFLOW_COMPLETED).build().toByteArray());
    assertEquals(List.of("actor \"demo\": workflow: state is completed but there is no output field"), problems());
  }

  @Test
  void sleepingWithoutWakeUpIsReported() {
    actor.put(WorkflowKeys.field(WorkflowField.STATE),
        WorkflowStateValue.newBuilder().setState(WorkflowStateCode.WORKFLOW_SLEEPING).build().toByteArray());
    assertTrue(problems().getFirst().contains("neither a wake-up time nor a receive"));
  }

  @Test
  void corruptEntryIsReported() {
    KeyValue first = actor.first(WorkflowKeys.history(), false);
    actor.put(first.key(), new byte[] {0x0a});
    assertTrue(problems().getFirst().contains("does not decode"), problems().toString());
  }

  @Test
  void loopWithTooMuchHistoryIsReported() {
    WorkflowHistory h = WorkflowHistory.load(actor);
    long loopName = h.nameIndex("add-items");
    long price = h.nameIndex("price");
    WorkflowLocation loopLoc = WorkflowLocation.root().name(loopName);
    HistoryEntry loop = h.entry(loopLoc).orElseThrow();
    LoopEntry le = loop.getLoop();
    // Forge iterations below the trimmed mark and beyond the bound.
    for (int i = 0; i < 6; i++) {
      String id = "forged-" + i;
      h.putEntry(WorkflowLocation.root().loop(loopName, i).name(price),
          HistoryEntry.newBuilder().setId(id).setStep(StepEntry.newBuilder().setHasOutput(true)).build());
      h.putMetadata(id, dev.actorkv.workflow.proto.EntryMetadata.getDefaultInstance());
    }
    h.flush();
    List<String> p = problems();
    assertTrue(p.stream().anyMatch(s -> s.contains("below its trimmed mark " + le.getTrimmedBelow())), p.toString());
    assertTrue(p.stream().anyMatch(s -> s.contains("more than history_to_keep + commit_interval = 4")), p.toString());
  }
}
