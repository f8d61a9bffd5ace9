package dev.actorkv.migrate;

import dev.actorkv.store.StoreException;

/**
 * An actor holds data in the legacy (pre-v1) layout and the store was told to refuse such actors
 * ({@link Migrations#REFUSE}), or a manager found legacy data it cannot open (SQLite). Nothing was read
 * or written; migrate the actor first.
 */
public final class LegacyLayoutException extends StoreException {
  private final String actorId;

  public LegacyLayoutException(String actorId) {
    super("actor \"" + actorId + "\" holds legacy-layout (pre-v1) data; migrate it first with"
        + " `keyspace migrate DB --actor <id>` or open the store with dev.actorkv.migrate.Migrations");
    this.actorId = actorId;
  }

  public String actorId() {
    return actorId;
  }
}
