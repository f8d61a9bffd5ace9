package dev.actorkv.queue;

/**
 * The queue's maximum message size does not fit the store's value limit (a leased message, the largest
 * form of a message value, must still be writable); raised by {@link ActorQueue#open}.
 */
public final class QueueConfigurationException extends QueueException {
  private final int maxMessageBytes;
  private final int storeMaxValueBytes;

  public QueueConfigurationException(int maxMessageBytes, int storeMaxValueBytes) {
    super("queue max message size " + maxMessageBytes + " bytes (+ " + QueueCodec.LEASE_OVERHEAD
        + " bytes of lease bookkeeping) exceeds the store's value limit of " + storeMaxValueBytes + " bytes");
    this.maxMessageBytes = maxMessageBytes;
    this.storeMaxValueBytes = storeMaxValueBytes;
  }

  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  public int storeMaxValueBytes() {
    return storeMaxValueBytes;
  }
}
