package dev.actorkv.queue;

import java.util.List;
import java.util.OptionalLong;

/**
 * One page of {@link ActorQueue#list}: messages in id order, and the id to pass as {@code afterId} for
 * the next page (empty when this was the last page).
 */
public record Page(List<Message> messages, OptionalLong nextAfterId) {
  public Page {
    messages = List.copyOf(messages);
  }
}
