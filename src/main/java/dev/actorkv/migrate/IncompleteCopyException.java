package dev.actorkv.migrate;

import dev.actorkv.store.StoreException;

/**
 * The actor is an unfinished {@code keyspace copy}: the copy was interrupted after some of its batches,
 * so the actor holds only part of its keys. Nothing was read or written; run the copy again.
 */
public final class IncompleteCopyException extends StoreException {
  private final String actorId;

  public IncompleteCopyException(String actorId, String source) {
    super("actor \"" + actorId + "\" is an unfinished copy from " + source
        + " (keyspace copy was interrupted); run the same keyspace copy again to complete it");
    this.actorId = actorId;
  }

  public String actorId() {
    return actorId;
  }
}
