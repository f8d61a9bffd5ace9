package dev.actorkv;

/**
 * The base of every exception actor-kv throws for a condition its callers can meet: bad input (a key, a
 * tuple, a limit), damaged or incompatible data, a lost ownership, a failed write. Each layer has its
 * own subtypes ({@code StoreException}, {@code QueueException}, {@code WorkflowException},
 * {@code SqliteException}, ...), and the specific ones carry what went wrong as fields, not only in the
 * message (for example {@code LimitExceededException.limit()}, {@code value()} and {@code max()}).
 *
 * <p>Nothing of the library extends {@link IllegalArgumentException} or {@link IllegalStateException}:
 * those stay what the JDK makes them, a caller's programming error (a null, a negative count, a closed
 * handle), so a tool can tell the user's bad input (one of these) from a bug (anything else).
 */
public abstract class ActorKvException extends RuntimeException {
  protected ActorKvException(String message) {
    super(message);
  }

  protected ActorKvException(String message, Throwable cause) {
    super(message, cause);
  }
}
