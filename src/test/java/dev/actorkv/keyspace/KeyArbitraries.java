package dev.actorkv.keyspace;

import dev.actorkv.tuple.TupleArbitraries;
import dev.actorkv.migrate.LegacyKeys;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Valid keys of every kind of the layout, v1 and legacy, built only through the keyspace builders. */
public final class KeyArbitraries {
  private KeyArbitraries() {}

  /** A key with the description the builder meant it to have. */
  public record BuiltKey(byte[] key, KeyDescription expected) {
    @Override
    public String toString() {
      return Bytes.hex(key) + " " + expected;
    }
  }

  public static Arbitrary<BuiltKey> anyKey() {
    return Arbitraries.oneOf(v1Keys(), legacyKeys());
  }

  static Arbitrary<Long> smallOrAny() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 300), Arbitraries.longs().between(0, Long.MAX_VALUE));
  }

  static Arbitrary<Long> queueIds() {
    return Arbitraries.oneOf(Arbitraries.longs().between(1, 300), Arbitraries.longs().filter(id -> id != 0));
  }

  static Arbitrary<Long> chunkIndices() {
    return Arbitraries.oneOf(Arbitraries.longs().between(0, 300), Arbitraries.longs().between(0, SqliteKeys.MAX_CHUNK_INDEX));
  }

  public static Arbitrary<WorkflowLocation> locations() {
    Arbitrary<WorkflowLocation.Segment> segment = Arbitraries.oneOf(
        Arbitraries.of(0L, 1L, 2L, 10L).map(WorkflowLocation.Name::new),
        Combinators.combine(Arbitraries.of(0L, 1L), Arbitraries.of(0L, 1L, 10L, 11L, 100L, 255L, 256L))
            .as(WorkflowLocation.Loop::new),
        Arbitraries.longs().between(0, Long.MAX_VALUE).map(WorkflowLocation.Name::new));
    return segment.list().ofMinSize(1).ofMaxSize(4).map(WorkflowLocation::new);
  }

  static Arbitrary<String> text() {
    return TupleArbitraries.strings();
  }

  static Arbitrary<BuiltKey> v1Keys() {
    return Arbitraries.oneOf(List.of(
        Arbitraries.just(built(ActorKeys.persistedData(), new KeyDescription.PersistedData())),
        Arbitraries.just(built(ActorKeys.inspectorToken(), new KeyDescription.InspectorToken())),
        text().filter(s -> !s.isEmpty()).map(s -> built(ActorKeys.connection(s), new KeyDescription.Connection(s))),
        Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(16)
            .map(k -> built(ActorKeys.userKv(k), new KeyDescription.UserKv(k))),
        Arbitraries.just(built(QueueKeys.metadata(), new KeyDescription.QueueMetadata(1))),
        queueIds().map(id -> built(QueueKeys.message(id), new KeyDescription.QueueMessage(1, id))),
        smallOrAny().map(i -> built(WorkflowKeys.name(i), new KeyDescription.WorkflowName(1, i))),
        locations().map(l -> built(WorkflowKeys.history(l), new KeyDescription.WorkflowHistory(1, l))),
        Arbitraries.of(WorkflowField.STATE, WorkflowField.OUTPUT, WorkflowField.ERROR, WorkflowField.INPUT)
            .map(f -> built(WorkflowKeys.field(f), new KeyDescription.WorkflowFieldKey(1, f))),
        text().map(id -> built(WorkflowKeys.entryMetadata(id), new KeyDescription.WorkflowEntryMetadata(1, id))),
        Combinators.combine(smallOrAny(), smallOrAny())
            .as((b, c) -> built(TracesKeys.chunk(b, c), new KeyDescription.TracesChunk(1, b, c))),
        Arbitraries.of(SqliteFile.class).map(f -> built(SqliteKeys.fileMeta(f), new KeyDescription.SqliteFileMeta(1, f))),
        Combinators.combine(Arbitraries.of(SqliteFile.class), chunkIndices())
            .as((f, i) -> built(SqliteKeys.chunk(f, i), new KeyDescription.SqliteChunk(1, f, i)))));
  }

  static Arbitrary<BuiltKey> legacyKeys() {
    return Arbitraries.oneOf(List.of(
        Arbitraries.just(built(LegacyKeys.queueMetadata(), new KeyDescription.QueueMetadata(0))),
        queueIds().map(id -> built(LegacyKeys.queueMessage(id), new KeyDescription.QueueMessage(0, id))),
        smallOrAny().map(i -> built(LegacyKeys.workflowName(i), new KeyDescription.WorkflowName(0, i))),
        locations().map(l -> built(LegacyKeys.workflowHistory(l), new KeyDescription.WorkflowHistory(0, l))),
        Arbitraries.of(WorkflowField.class)
            .map(f -> built(LegacyKeys.workflowField(f), new KeyDescription.WorkflowFieldKey(0, f))),
        text().map(id -> built(LegacyKeys.workflowEntryMetadata(id), new KeyDescription.WorkflowEntryMetadata(0, id))),
        Combinators.combine(smallOrAny(), smallOrAny())
            .as((b, c) -> built(LegacyKeys.tracesChunk(b, c), new KeyDescription.TracesChunk(0, b, c))),
        Arbitraries.of(SqliteFile.class).map(f -> built(LegacyKeys.sqliteFileMeta(f), new KeyDescription.SqliteFileMeta(0, f))),
        Combinators.combine(Arbitraries.of(SqliteFile.class), chunkIndices())
            .as((f, i) -> built(LegacyKeys.sqliteChunk(f, i), new KeyDescription.SqliteChunk(0, f, i)))));
  }

  private static BuiltKey built(byte[] key, KeyDescription expected) {
    return new BuiltKey(key, expected);
  }
}
