package dev.actorkv.sqlite;

/** A transaction body threw a checked exception (the cause); the transaction was rolled back. */
public final class TransactionAbortedException extends RuntimeException {
  public TransactionAbortedException(Throwable cause) {
    super("transaction rolled back: " + cause.getMessage(), cause);
  }
}
