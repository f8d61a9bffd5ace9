package dev.actorkv.traces;

import java.util.List;

/**
 * The result of {@link ActorTraces#read}: spans overlapping the window, ordered by start time then ids.
 *
 * @param spans at most the requested limit
 * @param truncated more spans overlapped the window than the limit
 * @param chunksRead chunk values this read fetched from the store
 */
public record TraceRead(List<StoredSpan> spans, boolean truncated, int chunksRead) {
  public TraceRead {
    spans = List.copyOf(spans);
  }
}
