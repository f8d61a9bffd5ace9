package dev.actorkv.queue;

/**
 * A completion does not hold the message's lease: the message was never delivered by a completable
 * receive, or its lease expired and it was delivered again (the attempt numbers differ).
 */
public final class LeaseLostException extends QueueException {
  private final long id;
  private final int heldAttempt;
  private final int currentAttempt;

  public LeaseLostException(long id, int heldAttempt, int currentAttempt) {
    super(currentAttempt == 0
        ? "message " + Long.toUnsignedString(id) + " is not leased: it was never delivered by a completable receive"
        : "lease of message " + Long.toUnsignedString(id) + " lost: held attempt " + heldAttempt
            + ", the message is now at attempt " + currentAttempt);
    this.id = id;
    this.heldAttempt = heldAttempt;
    this.currentAttempt = currentAttempt;
  }

  public long id() {
    return id;
  }

  public int heldAttempt() {
    return heldAttempt;
  }

  public int currentAttempt() {
    return currentAttempt;
  }
}
