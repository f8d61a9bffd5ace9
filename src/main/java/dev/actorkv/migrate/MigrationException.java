package dev.actorkv.migrate;

import dev.actorkv.store.StoreException;

/**
 * The migration of one actor stopped; every batch committed before is kept (the actor stays at layout
 * version 0 and a later run resumes), nothing of the failing batch was written.
 */
public class MigrationException extends StoreException {
  private final String actorId;

  MigrationException(String actorId, String message) {
    super("migration of actor \"" + actorId + "\" stopped: " + message);
    this.actorId = actorId;
  }

  MigrationException(String actorId, String message, Throwable cause) {
    super("migration of actor \"" + actorId + "\" stopped: " + message, cause);
    this.actorId = actorId;
  }

  public String actorId() {
    return actorId;
  }
}
