package dev.actorkv.queue;

/** A stored queue value does not decode: not canonical protobuf, or a field out of range. */
public final class QueueValueException extends QueueException {
  public QueueValueException(String message) {
    super(message);
  }
}
