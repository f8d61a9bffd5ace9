package dev.actorkv.store;

import java.time.Instant;

/**
 * {@link ActorStore#actor} could not take ownership of an actor: another node holds a live lease on it
 * (PostgreSQL stores). Nothing was read or written. The owner gives the actor up by closing it, or loses
 * it when its lease runs out (at {@link #leaseExpires()}, by the database's clock) without renewal.
 */
public final class ActorOwnedException extends StoreException {
  private final String actorId;
  private final String owner;
  private final Instant leaseExpires;

  public ActorOwnedException(String actorId, String owner, Instant leaseExpires) {
    super("actor " + quote(actorId) + " is owned by " + owner + " (lease expires " + leaseExpires + ")");
    this.actorId = actorId;
    this.owner = owner;
    this.leaseExpires = leaseExpires;
  }

  static String quote(String actorId) {
    return "\"" + actorId.replace("\\", "\\\\").replace("\"", "\\\"").replace("\0", "\\0") + "\"";
  }

  public String actorId() {
    return actorId;
  }

  /** The node that holds the actor. */
  public String owner() {
    return owner;
  }

  /** When the owner's lease runs out unless it renews it, by the database's clock. */
  public Instant leaseExpires() {
    return leaseExpires;
  }
}
