/**
 * The traces manager: OpenTelemetry spans per actor, stored in hourly buckets of chunks, read back by
 * time range and exported as OTLP.
 *
 * <h2>Keys</h2>
 * {@code [07][01] + pack(1, bucket_start_sec, chunk_id)} (built only by
 * {@link dev.actorkv.keyspace.TracesKeys}). {@code bucket_start_sec} is a multiple of 3600: a bucket is
 * one hour of unix time. Chunk ids start at 0 in each bucket and only grow; the next id is one past the
 * bucket's last chunk key, found by a reverse bounded scan, so no chunk is ever overwritten.
 *
 * <h2>Values</h2>
 * Each chunk value is a {@code actorkv.traces.TraceChunk} protobuf ({@code src/main/proto/traces.proto}),
 * at most {@link dev.actorkv.traces.TracesOptions#maxChunkBytes()} encoded bytes (default 64 KiB):
 * <ul>
 *   <li>{@code format_version} (1);
 *   <li>{@code resources}, {@code scopes}: per-chunk dictionaries of OTLP {@code Resource} and
 *       {@code InstrumentationScope} messages, referenced by index;
 *   <li>{@code records}: {@code SpanRecord}s in recording order, each with the span's 16-byte trace id,
 *       8-byte span id, a time in unix nanoseconds inside the chunk's bucket, and one body:
 *       {@code start} / {@code snapshot} / {@code end} (a {@code SpanState}: the whole OTLP {@code Span}
 *       without its ids, plus resource and scope indices — self-contained), {@code update} (attributes
 *       merged by key, status, name, links — incremental) or {@code event} (an OTLP span event —
 *       incremental).
 * </ul>
 * A span's state at any point is its last self-contained record followed by the incremental records after
 * it; an end is final (it holds every change made while the span was open), so neither a later start or
 * snapshot nor an incremental record folded after it changes the span. The first chunk of each new bucket carries a snapshot of every span still open from an older
 * bucket, so a read of a window needs only the window's buckets (and the one chunk before them).
 *
 * <h2>Entry points</h2>
 * {@link dev.actorkv.traces.ActorTraces} (record, flush, read, retention), {@link dev.actorkv.traces.Otlp}
 * (OTLP protobuf and OTLP/JSON), {@link dev.actorkv.traces.ActorSpanProcessor} and
 * {@link dev.actorkv.traces.ActorSpanExporter} (OpenTelemetry SDK), {@link dev.actorkv.traces.TracesNamespaceAudit}
 * (strict decoding and invariants for the tool's check and dump).
 */
package dev.actorkv.traces;
