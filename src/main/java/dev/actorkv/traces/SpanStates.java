package dev.actorkv.traces;

import dev.actorkv.traces.proto.SpanUpdate;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;

/** How incremental records change a span, and how an accumulated span is cut to fit one chunk. */
final class SpanStates {
  private SpanStates() {}

  /** Applies an update: attributes merged by key (later wins), status and name replaced when set, links added. */
  static void apply(Span.Builder span, SpanUpdate u) {
    for (KeyValue kv : u.getAttributesList()) {
      putAttribute(span, kv);
    }
    if (u.hasStatus()) {
      span.setStatus(u.getStatus());
    }
    if (!u.getName().isEmpty()) {
      span.setName(u.getName());
    }
    span.addAllLinks(u.getLinksList());
  }

  static void apply(Span.Builder span, Span.Event event) {
    span.addEvents(event);
  }

  private static void putAttribute(Span.Builder span, KeyValue kv) {
    List<KeyValue> attrs = span.getAttributesList();
    for (int i = 0; i < attrs.size(); i++) {
      if (attrs.get(i).getKey().equals(kv.getKey())) {
        span.setAttributes(i, kv);
        return;
      }
    }
    span.addAttributes(kv);
  }

  /**
   * {@code e} (a whole-span state) unchanged when a chunk can hold it, else with the oldest events, then
   * links, then attributes dropped — counted in the span's dropped counts, as OpenTelemetry's own limits
   * do — until it fits. A state derived from a record that fit always fits once those are gone.
   */
  static Entry fit(Entry e, int maxChunkBytes) {
    return ChunkBuilder.aloneSize(e) <= maxChunkBytes ? e : cut(e, maxChunkBytes);
  }

  /** The rare case of {@link #fit}, apart so the per-span check stays small for the JIT. */
  private static Entry cut(Entry e, int maxChunkBytes) {
    Entry.State st = (Entry.State) e.body();
    Span.Builder span = st.span().toBuilder();
    while (ChunkBuilder.aloneSize(with(e, st, span)) > maxChunkBytes) {
      if (span.getEventsCount() > 0) {
        int drop = Math.max(1, span.getEventsCount() / 2);
        List<Span.Event> keep = List.copyOf(span.getEventsList().subList(drop, span.getEventsCount()));
        span.clearEvents().addAllEvents(keep).setDroppedEventsCount(span.getDroppedEventsCount() + drop);
      } else if (span.getLinksCount() > 0) {
        int drop = Math.max(1, span.getLinksCount() / 2);
        List<Span.Link> keep = List.copyOf(span.getLinksList().subList(drop, span.getLinksCount()));
        span.clearLinks().addAllLinks(keep).setDroppedLinksCount(span.getDroppedLinksCount() + drop);
      } else if (span.getAttributesCount() > 0) {
        int drop = Math.max(1, span.getAttributesCount() / 2);
        List<KeyValue> keep = List.copyOf(span.getAttributesList().subList(drop, span.getAttributesCount()));
        span.clearAttributes().addAllAttributes(keep).setDroppedAttributesCount(span.getDroppedAttributesCount() + drop);
      } else {
        throw new RecordTooLargeException("span " + e.key() + " without attributes, events and links",
            ChunkBuilder.aloneSize(with(e, st, span)), maxChunkBytes);
      }
    }
    return with(e, st, span);
  }

  private static Entry with(Entry e, Entry.State st, Span.Builder span) {
    return new Entry(e.key(), e.timeNanos(), new Entry.State(st.kind(), st.resource(), st.scope(), span.build()));
  }
}
