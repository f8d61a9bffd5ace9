package dev.actorkv.traces;

import dev.actorkv.keyspace.KeyDescription;
import dev.actorkv.keyspace.KeyFormatException;
import dev.actorkv.keyspace.TracesKeys;
import dev.actorkv.store.ActorKeyspace;
import dev.actorkv.store.KeyValue;
import dev.actorkv.store.KeyValueIterator;
import dev.actorkv.traces.proto.SpanRecord;
import dev.actorkv.traces.proto.TraceChunk;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Chunk values for tools: strict decoding, a JSON view, and the namespace's cross-key invariants. */
final class TraceChunks {
  private TraceChunks() {}

  /**
   * Decodes the value of chunk {@code key} strictly: format version, every record well formed and inside
   * the bucket, dictionary indices in range, and canonical encoding.
   *
   * @throws TraceFormatException naming the problem
   */
  public static TraceChunk decode(KeyDescription.TracesChunk key, byte[] value) {
    return ChunkCodec.decode(key.bucketStartSec(), value, true);
  }

  /** The chunk as JSON in the OTLP/JSON style (lowerCamelCase, hex ids, 64-bit integers as strings). */
  public static String toJson(TraceChunk chunk) {
    return Otlp.toJson(chunk);
  }

  /**
   * Checks the traces namespace of {@code actor}: every key is a v1 chunk key of an hour-aligned bucket,
   * every value decodes strictly and is no larger than {@code maxChunkBytes}, and no span has two start
   * records or two end records. Returns one message per problem.
   */
  public static List<String> check(ActorKeyspace actor, int maxChunkBytes) {
    List<String> problems = new ArrayList<>();
    Set<SpanKey> started = new HashSet<>();
    Set<SpanKey> ended = new HashSet<>();
    try (KeyValueIterator it = actor.iterator(TracesKeys.all(), false)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        String where = "traces key " + SpanKey.hex().encode(kv.key()) + ": ";
        KeyDescription.TracesChunk key;
        try {
          key = TracesKeys.decodeChunk(kv.key());
        } catch (KeyFormatException e) {
          problems.add(where + e.getMessage());
          continue;
        }
        if (key.bucketStartSec() % Buckets.SECONDS != 0) {
          problems.add(where + "bucket start " + key.bucketStartSec() + " is not a multiple of " + Buckets.SECONDS);
          continue;
        }
        if (kv.value().length > maxChunkBytes) {
          problems.add(where + "chunk of " + kv.value().length + " bytes exceeds the maximum of " + maxChunkBytes);
        }
        TraceChunk chunk;
        try {
          chunk = decode(key, kv.value());
        } catch (TraceFormatException e) {
          problems.add(where + e.getMessage());
          continue;
        }
        for (SpanRecord r : chunk.getRecordsList()) {
          SpanKey span = new SpanKey(r.getTraceId(), r.getSpanId());
          if (r.hasStart() && !started.add(span)) {
            problems.add(where + "span " + span + " has a second start record");
          }
          if (r.hasEnd() && !ended.add(span)) {
            problems.add(where + "span " + span + " has a second end record");
          }
        }
      }
    }
    return problems;
  }
}
