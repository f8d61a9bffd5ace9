package dev.actorkv.queue;

/** A message's encoded value is larger than the queue's maximum message size. */
public final class MessageTooLargeException extends QueueException {
  private final int encodedBytes;
  private final int maxBytes;

  public MessageTooLargeException(int encodedBytes, int maxBytes) {
    super("message too large: encoded size " + encodedBytes + " bytes > maximum " + maxBytes + " bytes");
    this.encodedBytes = encodedBytes;
    this.maxBytes = maxBytes;
  }

  public int encodedBytes() {
    return encodedBytes;
  }

  public int maxBytes() {
    return maxBytes;
  }
}
