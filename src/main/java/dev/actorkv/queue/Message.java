package dev.actorkv.queue;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message as enqueued or delivered.
 *
 * @param id the queue-wide id (ids increase with enqueue order; unsigned)
 * @param attempt deliveries so far counting this one: 0 right after enqueue, 1 on the first
 *     delivery, raised by one each time an expired lease makes the message deliverable again
 * @param leaseExpiresAt when this delivery's lease ends; null when the message is not leased (after
 *     enqueue, or delivered by a non-completable receive, which removed it)
 */
public record Message(long id, String name, byte[] body, Instant createdAt, int attempt, Instant leaseExpiresAt) {
  public Message {
    Objects.requireNonNull(name, "name");
    body = body.clone();
    Objects.requireNonNull(createdAt, "createdAt");
  }

  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m && id == m.id && name.equals(m.name) && Arrays.equals(body, m.body)
        && createdAt.equals(m.createdAt) && attempt == m.attempt && Objects.equals(leaseExpiresAt, m.leaseExpiresAt);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(id) * 31 + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    return "Message[id=" + Long.toUnsignedString(id) + ", name=" + name + ", body=" + body.length + " bytes, attempt="
        + attempt + (leaseExpiresAt == null ? "" : ", leased until " + leaseExpiresAt) + "]";
  }
}
