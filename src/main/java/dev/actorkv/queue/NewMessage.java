package dev.actorkv.queue;

import java.util.Objects;

/** A message to enqueue with {@link ActorQueue#enqueueAll}. */
public record NewMessage(String name, byte[] body) {
  public NewMessage {
    Objects.requireNonNull(name, "name");
    body = Objects.requireNonNull(body, "body").clone();
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  /** The body without a copy, for the queue's own encoding (the array was copied once, on construction). */
  byte[] sharedBody() {
    return body;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NewMessage m && name.equals(m.name) && java.util.Arrays.equals(body, m.body);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + java.util.Arrays.hashCode(body);
  }
}
