package dev.actorkv.reliability;

import com.google.protobuf.ByteString;
import dev.actorkv.keyspace.KeyDescriber;
import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.keyspace.WorkflowField;
import dev.actorkv.keyspace.WorkflowKeys;
import dev.actorkv.keyspace.WorkflowLocation;
import dev.actorkv.queue.QueueCodec;
import dev.actorkv.queue.QueueValueException;
import dev.actorkv.sqlite.FileMetaValues;
import dev.actorkv.sqlite.PageFormatException;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.ActorStore;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.StoreException;
import dev.actorkv.traces.ActorTraces;
import dev.actorkv.traces.TraceChunkValues;
import dev.actorkv.traces.TraceFormatException;
import dev.actorkv.workflow.WorkflowException;
import dev.actorkv.workflow.WorkflowHistory;
import dev.actorkv.workflow.proto.EntryMetadata;
import dev.actorkv.workflow.proto.EntryStatus;
import dev.actorkv.workflow.proto.HistoryEntry;
import dev.actorkv.workflow.proto.StepEntry;
import dev.actorkv.workflow.proto.WorkflowStateCode;
import dev.actorkv.workflow.proto.WorkflowStateValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/** Fuzz targets for the managers' value decoders (queue, SQLite metadata, traces chunks, workflow history). */
final class ValueFuzzTargets {
  private ValueFuzzTargets() {}

  /** Targets that need no store. */
  static List<FuzzTarget> pure() {
    return List.of(queueMetadata(), queueMessage(), sqliteFileMeta());
  }

  /** Targets decoding values in a real store ({@code store} stays open while they run). */
  static List<FuzzTarget> inStore(ActorStore store) {
    return List.of(tracesChunk(store.actor("fuzz-traces")), workflowHistory(store.actor("fuzz-workflow")));
  }

  /** Queue metadata: accepted values are canonical (re-encode to the same bytes). */
  static FuzzTarget queueMetadata() {
    return new FuzzTarget("queue metadata value", List.of(
        QueueCodec.encode(new QueueCodec.Metadata(1, 0)), QueueCodec.encode(new QueueCodec.Metadata(1L << 40, 12345))),
        Set.of(QueueValueException.class), in -> identity(in, QueueCodec.encode(QueueCodec.decodeMetadata(in))));
  }

  static FuzzTarget queueMessage() {
    return new FuzzTarget("queue message value", List.of(
        QueueCodec.encode(new QueueCodec.StoredMessage("orders", "body".getBytes(StandardCharsets.UTF_8), 1_700_000_000_000L, 0, 0, false)),
        QueueCodec.encode(new QueueCodec.StoredMessage("é", new byte[300], 5, 3, 1_700_000_000_500L, true))),
        Set.of(QueueValueException.class), in -> identity(in, QueueCodec.encode(QueueCodec.decodeMessage(in))));
  }

  /** SQLite file metadata, the 10-byte fixed point of the layout. */
  static FuzzTarget sqliteFileMeta() {
    return new FuzzTarget("sqlite file metadata value", List.of(FileMetaValues.encode(0), FileMetaValues.encode(4096L * 1000 + 17)),
        Set.of(PageFormatException.class), in -> identity(in, FileMetaValues.decodeAndEncode(in)));
  }

  /** Traces chunk values, decoded strictly against the bucket of real chunks written by the manager. */
  static FuzzTarget tracesChunk(ActorKeyspace actor) {
    long bucketSec = 1_700_000_000L / 3600 * 3600;
    try (ActorTraces traces = ActorTraces.open(actor)) {
      for (int i = 0; i < 6; i++) {
        long start = (bucketSec + 60 + i) * 1_000_000_000L;
        traces.record(Resource.getDefaultInstance(), InstrumentationScope.newBuilder().setName("fuzz").build(),
            Span.newBuilder()
                .setTraceId(ByteString.copyFrom(StoreSweeps.bytes(16, i)))
                .setSpanId(ByteString.copyFrom(StoreSweeps.bytes(8, 100 + i)))
                .setName("span-" + i)
                .setStartTimeUnixNano(start)
                .setEndTimeUnixNano(start + 1_000_000L * (i + 1))
                .build());
      }
      traces.flush();
    }
    List<byte[]> samples = new ArrayList<>();
    KeyDescription.TracesChunk key = null;
    for (KeyValue kv : actor.scan(TracesKeys.chunks(), 100)) {
      key = KeyDescriber.describeAs(kv.key(), KeyDescription.TracesChunk.class);
      samples.add(kv.value());
    }
    if (samples.isEmpty()) {
      throw new IllegalStateException("the traces manager wrote no chunk to sample");
    }
    KeyDescription.TracesChunk chunkKey = key;
    return new FuzzTarget("traces chunk value", samples, Set.of(TraceFormatException.class),
        in -> identity(in, TraceChunkValues.decodeAndEncode(chunkKey, in)));
  }

  /**
   * Workflow history load over a history with one corrupted value: the input's first byte picks the key
   * (name registry, history entry, entry metadata, state field), the rest is its value. Loading must
   * succeed (repairing derived metadata) or throw a typed workflow or store error. The value is put back
   * after each input.
   */
  static FuzzTarget workflowHistory(ActorKeyspace actor) {
    byte[][] keys = {
      WorkflowKeys.name(0),
      WorkflowKeys.history(new WorkflowLocation(List.of(new WorkflowLocation.Name(0)))),
      WorkflowKeys.entryMetadata("e1"),
      WorkflowKeys.field(WorkflowField.STATE),
    };
    byte[][] values = {
      "step-a".getBytes(StandardCharsets.UTF_8),
      HistoryEntry.newBuilder().setId("e1").setOrdinal(0)
          .setStep(StepEntry.newBuilder().setHasOutput(true).setOutput(ByteString.copyFromUtf8("out"))).build().toByteArray(),
      EntryMetadata.newBuilder().setStatus(EntryStatus.ENTRY_COMPLETED).build().toByteArray(),
      WorkflowStateValue.newBuilder().setState(WorkflowStateCode.WORKFLOW_RUNNING).build().toByteArray(),
    };
    var setup = actor.batch();
    List<byte[]> samples = new ArrayList<>();
    for (int i = 0; i < keys.length; i++) {
      setup.put(keys[i], values[i]);
      byte[] sample = new byte[values[i].length + 1];
      sample[0] = (byte) i;
      System.arraycopy(values[i], 0, sample, 1, values[i].length);
      samples.add(sample);
    }
    actor.commit(setup);
    WorkflowHistory.load(actor); // the uncorrupted history loads
    return new FuzzTarget("workflow history values (load)", samples, Set.of(WorkflowException.class, StoreException.class), in -> {
      if (in.length == 0) {
        throw new StoreException("empty input selects no key"); // typed: nothing to write
      }
      int which = Math.floorMod(in[0], keys.length);
      try {
        actor.put(keys[which], Arrays.copyOfRange(in, 1, in.length));
        WorkflowHistory.load(actor);
      } finally {
        actor.put(keys[which], values[which]);
      }
    });
  }

  private static void identity(byte[] input, byte[] reencoded) {
    if (!Arrays.equals(input, reencoded)) {
      throw new AssertionError("accepted a value that does not re-encode to itself");
    }
  }
}
