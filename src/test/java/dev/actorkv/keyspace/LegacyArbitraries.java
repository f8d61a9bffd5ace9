package dev.actorkv.keyspace;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators of legacy-layout keys, shared by the mapping and migration properties. */
public final class LegacyArbitraries {
  private LegacyArbitraries() {}

  /** Any legacy key of any kind (every record kind of the legacy layout). */
  public static Arbitrary<KeyDescription> legacyKeys() {
    Arbitrary<Long> small = Arbitraries.longs().between(0, 1_000);
    Arbitrary<Long> any = Arbitraries.longs().between(0, Long.MAX_VALUE);
    Arbitrary<WorkflowLocation.Segment> segment = Arbitraries.oneOf(
        small.map(WorkflowLocation.Name::new),
        Combinators.combine(small, small).as(WorkflowLocation.Loop::new));
    Arbitrary<WorkflowLocation> location = segment.list().ofMinSize(1).ofMaxSize(4).map(WorkflowLocation::new);
    return Arbitraries.oneOf(
        Arbitraries.just(new KeyDescription.QueueMetadata(0)),
        Arbitraries.longs().filter(id -> id != 0).map(id -> new KeyDescription.QueueMessage(0, id)),
        any.map(i -> new KeyDescription.WorkflowName(0, i)),
        location.map(l -> new KeyDescription.WorkflowHistory(0, l)),
        Arbitraries.of(WorkflowField.values()).map(f -> new KeyDescription.WorkflowFieldKey(0, f)),
        Arbitraries.strings().alpha().numeric().withChars('\u0000', '\u00e9', '\u4e16', '/').ofMaxLength(12).map(s -> new KeyDescription.WorkflowEntryMetadata(0, s)),
        Combinators.combine(any, any).as((b, c) -> new KeyDescription.TracesChunk(0, b, c)),
        Arbitraries.of(SqliteFile.values()).map(f -> new KeyDescription.SqliteFileMeta(0, f)),
        Combinators.combine(Arbitraries.of(SqliteFile.values()), Arbitraries.longs().between(0, SqliteKeys.MAX_CHUNK_INDEX))
            .as((f, i) -> new KeyDescription.SqliteChunk(0, f, i)));
  }
}
